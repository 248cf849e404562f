/** Layer stream codecs: compression detected by magic bytes, gzip and zstd streams. */
package dev.strata.codec;
