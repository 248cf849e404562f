/** Registry credentials: auth challenges, docker/containers auth files, credential helpers. */
package dev.strata.registry.auth;
