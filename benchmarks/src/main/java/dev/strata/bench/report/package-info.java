/** What a bench run's results say: totals, cache busters, report.md and SVG charts. */
package dev.strata.bench.report;
