/**
 * Facade over jnr-ffi for what java.nio cannot do: lchown, lutimes, mknod, xattrs, full lstat,
 * mount.
 */
package dev.strata.posix;
