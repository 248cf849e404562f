package dev.strata.index;

import dev.strata.oci.Digest;
import java.nio.charset.StandardCharsets;

/**
 * The file listings of COPY/ADD inputs (table {@code listings}): the text whose sha256 is a step's
 * {@code files} input (one line per source and per selected file: path, mode, owner when kept,
 * size, content digest, link target), stored once under that digest, so a later miss can be
 * compared with it file by file. Content-addressed: a listing is written once, whatever the number
 * of records that name it, and checked against its address when read.
 */
public final class Listings {
  private final Table table;

  Listings(Table table) {
    this.table = table;
  }

  /** Keeps {@code listing} under its sha256 unless it is there already; returns the digest. */
  public Digest put(String listing) {
    Digest d = Digest.sha256(listing.getBytes(StandardCharsets.UTF_8));
    if (table.get(d.toString()) == null) {
      table.putString(d.toString(), listing);
    }
    return d;
  }

  /** The listing whose sha256 is {@code digest}, or null when none was kept (or it is damaged). */
  public String get(Digest digest) {
    String v = table.getString(digest.toString());
    if (v == null || !Digest.sha256(v.getBytes(StandardCharsets.UTF_8)).equals(digest)) {
      return null;
    }
    return v;
  }
}
