/** JMH micro benchmarks and the scenario runner. */
package dev.strata.bench;
