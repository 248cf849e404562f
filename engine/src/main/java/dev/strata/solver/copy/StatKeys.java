package dev.strata.solver.copy;

import dev.strata.posix.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * The keys of the store's stat -> digest table ({@link FileDigests}), this class alone knowing
 * their form: {@code "stat " + path + "\0" + dev ino size mtime ctime ctimeMillis}, times to the
 * nanosecond, so any write, rename over or touch of the file gives another key. A key whose file
 * now has another one (or none) can never be asked for again: a prune drops it.
 */
public final class StatKeys {
  /**
   * The attributes a key is made of, as {@link Files#readAttributes(Path, String, LinkOption...)}
   * names them.
   */
  static final String ATTRIBUTES = "unix:mode,size,dev,ino,lastModifiedTime,ctime";

  private static final String PREFIX = "stat ";

  private StatKeys() {}

  /** The key of {@code p} from its attributes {@code a} (read with {@link #ATTRIBUTES}). */
  static String of(Path p, Map<String, Object> a) {
    Instant m = ((FileTime) a.get("lastModifiedTime")).toInstant();
    FileTime c = (FileTime) a.get("ctime");
    Instant ci = c.toInstant();
    return PREFIX
        + FileNames.text(p)
        + "\0"
        + a.get("dev")
        + " "
        + a.get("ino")
        + " "
        + a.get("size")
        + " "
        + m.getEpochSecond()
        + "."
        + m.getNano()
        + " "
        + ci.getEpochSecond()
        + "."
        + ci.getNano()
        + " "
        + c.toMillis();
  }

  /** The ctime in milliseconds a key ends with. */
  static long ctimeMillis(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf(' ') + 1));
  }

  /**
   * Whether {@code key} is still the key of its file, which is there unchanged. False for a key of
   * another form, of a file gone or changed; an unreadable file keeps its key.
   */
  public static boolean isCurrent(String key) {
    int nul = key.indexOf('\0');
    if (!key.startsWith(PREFIX) || nul < 0) {
      return false;
    }
    Path p = FileNames.path(key.substring(PREFIX.length(), nul));
    try {
      return key.equals(of(p, Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS)));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true; // cannot tell (a directory on the way not searchable here): keep it
    }
  }
}
