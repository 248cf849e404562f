package dev.strata.solver.copy;

import dev.strata.layer.Ownership;
import dev.strata.oci.Digest;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The content hash of selected sources (DESIGN.md "Cache keys"), with file digests taken from their
 * stat where it is unchanged and remembered where it is not racy.
 */
final class ContentHash {
  private final CopySources src;
  private final FileDigests digests;

  ContentHash(CopySources src, FileDigests digests) {
    this.src = src;
    this.digests = digests;
  }

  /**
   * The content hash of what {@code selected} would copy: for every file its path, type, mode,
   * size, content digest and link target, and owners when they are kept (COPY --from). It reads
   * exactly what the copy reads: the same resolution, through the same reader.
   */
  String of(List<CopySources.Selected> selected, boolean withOwners) throws IOException {
    // First every line but the file digests, then the digests: known ones from their stats in
    // one batch, the rest read and remembered.
    List<StringBuilder> lines = new ArrayList<>();
    List<Integer> regular = new ArrayList<>();
    List<String> regularPaths = new ArrayList<>();
    List<String> statKeys = new ArrayList<>();
    for (CopySources.Selected s : selected) {
      String keep = s.keep() == null ? "" : " keep " + s.keep();
      lines.add(new StringBuilder("source " + s.source() + keep));
      for (CopySources.Entry f : src.walk(s)) {
        StringBuilder line = new StringBuilder();
        // the JDK's own lstat, through the reader's pinned parent
        Map<String, Object> a =
            Files.readAttributes(
                src.reader().at(f.path()), StatKeys.ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        long size = (Long) a.get("size");
        line.append(f.rel()).append(' ').append(Integer.toOctalString(mode));
        if (withOwners) {
          Path at = src.reader().at(f.path());
          int[] owner = Ownership.of(at, Posix.lstat(at));
          line.append(' ').append(owner[0]).append(':').append(owner[1]);
        }
        int type = mode & FileStat.S_IFMT;
        if (type == FileStat.S_IFREG) {
          line.append(' ').append(size).append(' ');
          regular.add(lines.size());
          regularPaths.add(f.path());
          // keyed by the file's own path in the root, which a later build names the same way
          statKeys.add(StatKeys.of(FileNames.resolve(src.root(), f.path()), a));
        } else if (type == FileStat.S_IFLNK) {
          line.append(" -> ").append(src.reader().readlink(f.path()));
        }
        lines.add(line);
      }
    }
    Map<String, String> known = statKeys.isEmpty() ? Map.of() : digests.known(statKeys);
    Map<String, String> learnt = new HashMap<>();
    long racy = System.currentTimeMillis() - RACY_MILLIS;
    for (int i = 0; i < regular.size(); i++) {
      String key = statKeys.get(i);
      String d = known.get(key);
      if (d == null) {
        d = fileDigest(regularPaths.get(i));
        if (StatKeys.ctimeMillis(key) < racy) {
          learnt.put(key, d);
        }
      }
      lines.get(regular.get(i)).append(d);
    }
    if (!learnt.isEmpty()) {
      digests.remember(learnt);
    }
    // The listing is what the hash is of (KeyInputs' files entry): kept once per distinct listing.
    StringBuilder listing = new StringBuilder();
    for (StringBuilder line : lines) {
      listing.append(line).append('\n');
    }
    String text = listing.toString();
    digests.keepListing(text);
    return Digest.sha256(FileNames.encode(text))
        .toString(); // names as their bytes, whatever they are
  }

  /**
   * A file changed within this long of being read may change again within its timestamps'
   * granularity unseen (git's "racily clean" entries): it is read, not remembered.
   */
  private static final long RACY_MILLIS = 2000;

  private String fileDigest(String path) throws IOException {
    MessageDigest md = Digest.newSha256();
    try (FileChannel ch = src.reader().openFile(path);
        InputStream in = new DigestInputStream(Channels.newInputStream(ch), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Digest.fromSha256(md.digest()).hex();
  }
}
