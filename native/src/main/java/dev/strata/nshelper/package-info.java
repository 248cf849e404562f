/**
 * The namespace helper seen from Java: extracting {@code strata-nshelper} from the jar, choosing
 * the id mapping, and entering Strata's user namespace by re-executing through it.
 */
package dev.strata.nshelper;
