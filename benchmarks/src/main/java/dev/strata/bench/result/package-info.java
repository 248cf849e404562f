/** What a bench run measured, as values, and its one JSON form (results.json). */
package dev.strata.bench.result;
