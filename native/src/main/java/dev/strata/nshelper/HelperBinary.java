package dev.strata.nshelper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code strata-nshelper} executable: shipped inside the jar (native/pom.xml compiles it, with
 * its sha256 beside it), extracted on first use into a directory of the store and checked against
 * that digest every time it is located, so a truncated or altered copy is replaced rather than run.
 */
public final class HelperBinary {
  static final String NAME = "strata-nshelper";

  private final Path path;

  private HelperBinary(Path path) {
    this.path = path;
  }

  /** The extracted executable. */
  public Path path() {
    return path;
  }

  /**
   * Where the helper goes when the caller names no directory: {@code STRATA_HELPER_DIR}, else
   * {@code nshelper/} in the default store ($XDG_DATA_HOME/strata or ~/.local/share/strata).
   */
  public static Path defaultDirectory() {
    String dir = System.getenv("STRATA_HELPER_DIR");
    if (dir != null && !dir.isEmpty()) {
      return Path.of(dir);
    }
    String data = System.getenv("XDG_DATA_HOME");
    Path base =
        data != null && !data.isEmpty() ? Path.of(data) : Path.of(Home.dir(), ".local", "share");
    return base.resolve("strata").resolve("nshelper");
  }

  /** The helper in {@code dir} (created when missing), extracted from the jar unless present. */
  public static HelperBinary in(Path dir) throws IOException {
    String resource = resourceDir() + NAME;
    String expected = expectedDigest(resource);
    Path target = dir.resolve(NAME + "-" + expected.substring(0, 16));
    if (Files.isRegularFile(target) && expected.equals(sha256(target))) {
      return new HelperBinary(target);
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, NAME, ".part");
    try {
      String actual;
      try (InputStream in = open(resource);
          DigestInputStream din = new DigestInputStream(in, sha256());
          FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        din.transferTo(out);
        out.flush();
        ch.force(true);
        actual = HexFormat.of().formatHex(din.getMessageDigest().digest());
      }
      if (!expected.equals(actual)) {
        throw new IOException(
            "the namespace helper in the jar ("
                + resource
                + ") has sha256 "
                + actual
                + ", expected "
                + expected
                + ": the jar is damaged; rebuild it");
      }
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-xr-xr-x"));
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new HelperBinary(target);
  }

  /** Resources are per architecture, as gcc built them: linux-amd64/, linux-aarch64/. */
  private static String resourceDir() {
    return "linux-" + System.getProperty("os.arch") + "/";
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = HelperBinary.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException(
          "this Strata jar has no namespace helper for linux-"
              + System.getProperty("os.arch")
              + " (resource dev/strata/nshelper/"
              + resource
              + "); build Strata on this machine: mvn -B package");
    }
    return in;
  }

  private static String expectedDigest(String resource) throws IOException {
    try (InputStream in = open(resource + ".sha256")) {
      String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      int space = hex.indexOf(' ');
      return space < 0 ? hex : hex.substring(0, space);
    }
  }

  static String sha256(Path file) {
    MessageDigest md = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
