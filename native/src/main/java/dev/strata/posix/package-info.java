/** Facade over jnr-posix for what java.nio cannot do: lchown, lutimes, mknod, xattrs, full lstat. */
package dev.strata.posix;
