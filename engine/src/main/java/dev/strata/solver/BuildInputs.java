package dev.strata.solver;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.remotecache.ImportedCache;

/**
 * What one build is made of: the request, its plan, the context's .dockerignore and the records of
 * its --cache-from caches.
 */
record BuildInputs(BuildRequest req, BuildPlan plan, DockerIgnore ignore, ImportedCache imported) {}
