/**
 * The tar format as OCI layers use it: ustar headers, PAX and GNU long-name extensions, binary-safe
 * xattrs.
 */
package dev.strata.layer.tar;
