package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.codec.Compression;
import dev.strata.posix.FileNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File names are bytes: a layer made by GNU tar with names that are not UTF-8 (Latin-1 {@code
 * caf\xe9}, a hard link, a symlink whose target holds bad bytes), unpacked and written again, gives
 * the very same name bytes, read from the output tar's raw headers, and GNU tar extracts them
 * unchanged.
 */
class NameBytesTest {
  @TempDir Path tmp;

  static final String CAFE = latin1("d/caf\u00e9");

  @ParameterizedTest(name = "GNU tar --format={0}")
  @ValueSource(strings = {"gnu", "posix"})
  void namesNotUtf8_unpackAndRepack_byteForByte(String format) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Files.createDirectory(src.resolve("d"));
    Files.writeString(FileNames.resolve(src, CAFE), "latin-1\n");
    Files.writeString(src.resolve("d/ok-café"), "utf-8\n");
    Files.createLink(FileNames.resolve(src, latin1("d/h\u00fe")), FileNames.resolve(src, CAFE));
    Files.createSymbolicLink(
        FileNames.resolve(src, latin1("l\u00e9")), FileNames.path(latin1("d/caf\u00e9\u00ff")));
    Path in = tmp.resolve("in.tar");
    tool("tar", "--format=" + format, "-cf", in.toString(), "-C", src.toString(), ".");

    Path root = Files.createDirectory(tmp.resolve("root"));
    new Unpacker(Unpacker.Options.defaults()).unpackFile(in, root);
    assertEquals(listing(src), listing(root));

    Path out = tmp.resolve("out.tar");
    try (OutputStream o = Files.newOutputStream(out)) {
      new LayerWriter(new LayerWriter.Options(Compression.NONE, null)).writeTree(root, Set.of(), o);
    }
    TreeMap<String, String> raw = rawNames(Files.readAllBytes(out));
    assertEquals(
        new TreeMap<>(
            java.util.Map.of(
                hex("d/"), "",
                hex("d/caf\u00e9"), "",
                hex("d/h\u00fe"), "1 " + hex("d/caf\u00e9"),
                hex("d/ok-café"), "",
                hex("l\u00e9"), "2 " + hex("d/caf\u00e9\u00ff"))),
        raw,
        "names in the written layer, as hex of their bytes");

    Path x = Files.createDirectory(tmp.resolve("x"));
    tool("tar", "-xf", out.toString(), "-C", x.toString());
    assertEquals(listing(src), listing(x));
  }

  /** Latin-1 text as the name whose bytes it is ({@code "caf\u00e9"} -> bytes 63 61 66 e9). */
  static String latin1(String s) {
    return FileNames.decode(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * A tar of Latin-1 name bytes: {@code "caf\u00e9"} names the bytes 63 61 66 e9, UTF-8 chars of
   * the rest are UTF-8 bytes ("café" in UTF-8 is what {@code d/ok-café} is on disk).
   */
  private static String hex(String s) {
    boolean utf8 = s.contains("ok-");
    return HexFormat.of()
        .formatHex(s.getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
  }

  /** Every path under {@code dir} as text (any bytes), with symlink targets and sizes. */
  private static TreeMap<String, String> listing(Path dir) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    list(dir, "", out);
    return out;
  }

  private static void list(Path dir, String rel, TreeMap<String, String> out) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = rel + FileNames.name(p);
        if (Files.isSymbolicLink(p)) {
          out.put(name, "-> " + FileNames.text(Files.readSymbolicLink(p)));
        } else if (Files.isDirectory(p)) {
          out.put(name, "dir");
          list(p, name + "/", out);
        } else {
          out.put(name, Files.size(p) + " bytes");
        }
      }
    }
  }

  /**
   * Entry name -> "TYPE TARGET" for links, both as hex of their raw bytes, read from the headers
   * themselves: the PAX {@code path}/{@code linkpath} record when there is one, else the ustar
   * field.
   */
  static TreeMap<String, String> rawNames(byte[] tar) {
    TreeMap<String, String> out = new TreeMap<>();
    byte[] path = null;
    byte[] link = null;
    for (int at = 0; at + 512 <= tar.length; ) {
      byte[] h = Arrays.copyOfRange(tar, at, at + 512);
      if (h[0] == 0) {
        break;
      }
      long size = Long.parseLong(new String(h, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
      char type = (char) h[156];
      at += 512;
      if (type == 'x') {
        byte[] body = Arrays.copyOfRange(tar, at, at + (int) size);
        for (int p = 0; p < body.length; ) {
          int sp = indexOf(body, (byte) ' ', p);
          int len = Integer.parseInt(new String(body, p, sp - p, StandardCharsets.US_ASCII));
          int eq = indexOf(body, (byte) '=', sp);
          String key = new String(body, sp + 1, eq - sp - 1, StandardCharsets.US_ASCII);
          byte[] value = Arrays.copyOfRange(body, eq + 1, p + len - 1);
          if (key.equals("path")) {
            path = value;
          } else if (key.equals("linkpath")) {
            link = value;
          }
          p += len;
        }
      } else {
        byte[] name = path != null ? path : field(h, 0, 100);
        byte[] target = link != null ? link : field(h, 157, 100);
        out.put(
            HexFormat.of().formatHex(name),
            type == '1' || type == '2' ? type + " " + HexFormat.of().formatHex(target) : "");
        path = null;
        link = null;
      }
      at += (int) ((size + 511) / 512 * 512);
    }
    return out;
  }

  private static byte[] field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(h, off, end);
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Runs a tool (its arguments are plain paths: argv goes through the JVM's charset). */
  private static void tool(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(o);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + o);
  }
}
