package dev.strata.buildcache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A layer step's cache-key inputs besides its parent key and instruction text, typed (DESIGN.md
 * "Cache keys"). {@link #encode()} is their one canonical encoding, version {@link #VERSION}: named
 * entries that {@link CacheKey} hashes (sorted by name, each length-prefixed) and that {@link
 * CacheRecord}s keep, so a later miss can say which one changed. Absent values have no entry.
 *
 * <ul>
 *   <li>{@code user}, {@code workdir}: the image config's User and WorkingDir ("" when unset)
 *   <li>{@code env} (RUN): the variables the command sees, {@code KEY=VALUE} joined by {@code \n},
 *       in the order they are set (image ENV, proxy args, build args, step ENV)
 *   <li>{@code shell} (RUN): the shell words joined by one space
 *   <li>{@code network} (RUN): {@code default}, {@code none} or {@code host}
 *   <li>{@code mounts} (RUN): {@code [} each {@link Mount#text()} joined by {@code ", "} {@code ]},
 *       then one line {@code \nbind ...} per bind mount's content ({@link #mountsText})
 *   <li>{@code files} (COPY/ADD): {@code sha256:} of the selected files' listing (a line per source
 *       and per file: path, mode, owner when kept, size and content digest or link target), whose
 *       text the index keeps once per listing
 *   <li>{@code url.N} (ADD): the N-th URL, a space, its {@code --checksum} or the fetched body's
 *       digest and Last-Modified
 *   <li>{@code chown} (COPY --link --chown): the resolved {@code uid:gid}
 *   <li>{@code copier} (COPY/ADD, since v2): the version of what a copy makes of its files, {@link
 *       #COPIER}; it changes when the same files and instruction give another layer, so that a
 *       record of the old behaviour is not reused (v2: directories keep their source's mtime, an
 *       existing directory keeps its owner, hard links stay links, heredocs are files: BuildKit's
 *       behaviour, issue 18)
 * </ul>
 *
 * <p>These are the entries Strata's keys were made of before they had a type, plus {@code copier}:
 * RUN records of stores warmed by earlier versions still hit. A change to any entry's form must
 * change {@link #VERSION}; the golden test pins it with CacheKey's encoding.
 *
 * @param user the config's User, or null when it does not count (a linked copy)
 * @param workdir the config's WorkingDir, or null when it does not count
 * @param env RUN's variables, or null for COPY/ADD
 * @param shell RUN's shell, or null
 * @param network RUN's network, lower case, or null
 * @param mounts RUN's mounts (see {@link #mountsText}), or null
 * @param files the digest of the listing of the selected files ({@code sha256:...}), or null
 * @param urls ADD's URLs with their checksums or fetched digests, in order
 * @param chown a linked copy's resolved ids, or null
 */
public record KeyInputs(
    String user,
    String workdir,
    List<String> env,
    List<String> shell,
    String network,
    String mounts,
    String files,
    List<String> urls,
    String chown) {
  /**
   * The encoding's version. v2 added {@code copier}: COPY/ADD keys of v1 stores miss once, RUN keys
   * are unchanged; CacheKey's {@code strata-cache-key/v1} line goes with it.
   */
  public static final String VERSION = "strata-step-inputs/v2";

  /** The {@code copier} entry of every COPY/ADD: the copy's behaviour version (see above). */
  public static final String COPIER = "2";

  public KeyInputs {
    env = env == null ? null : List.copyOf(env);
    shell = shell == null ? null : List.copyOf(shell);
    urls = urls == null ? List.of() : List.copyOf(urls);
  }

  /** A RUN's inputs. */
  public static KeyInputs run(
      String user,
      String workdir,
      List<String> env,
      List<String> shell,
      String network,
      String mounts) {
    return new KeyInputs(user, workdir, env, shell, network, mounts, null, List.of(), null);
  }

  /** A COPY's or ADD's inputs. */
  public static KeyInputs copy(
      String user, String workdir, String files, List<String> urls, String chown) {
    return new KeyInputs(user, workdir, null, null, null, null, files, urls, chown);
  }

  /**
   * One RUN {@code --mount} as it counts in the key, every option named (as Dockerfile parsing left
   * it, null where not given).
   */
  public record Mount(
      String type,
      String target,
      String source,
      String from,
      boolean readOnly,
      String id,
      String sharing,
      String mode,
      Long uid,
      Long gid,
      boolean required,
      String size,
      String env) {
    /**
     * The mount's canonical text: {@code Mount[type=T, target=T, ...]}, every field in the order
     * above as {@code name=value} ({@code null} when absent). Written out here, not a record's
     * {@code toString()}, whose form the JDK does not promise; it is the form keys had before.
     */
    public String text() {
      return "Mount[type="
          + type
          + ", target="
          + target
          + ", source="
          + source
          + ", from="
          + from
          + ", readOnly="
          + readOnly
          + ", id="
          + id
          + ", sharing="
          + sharing
          + ", mode="
          + mode
          + ", uid="
          + uid
          + ", gid="
          + gid
          + ", required="
          + required
          + ", size="
          + size
          + ", env="
          + env
          + "]";
    }
  }

  /**
   * The {@code mounts} entry: every mount's {@link Mount#text()} in brackets, then per bind mount a
   * line {@code bind SRC CONTENT-HASH} (from the context) or {@code bind FROM:SRC DIFFID...} (from
   * a stage or image).
   */
  public static String mountsText(List<Mount> mounts, List<String> binds) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < mounts.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(mounts.get(i).text());
    }
    sb.append(']');
    binds.forEach(b -> sb.append("\nbind ").append(b));
    return sb.toString();
  }

  /** These inputs for a step whose record ignores USER, and WORKDIR too when {@code noWorkdir}. */
  public KeyInputs withoutUser(boolean noWorkdir) {
    return new KeyInputs(
        null, noWorkdir ? null : workdir, env, shell, network, mounts, files, urls, chown);
  }

  /** The canonical entries, by name (see the class comment). */
  public SortedMap<String, String> encode() {
    SortedMap<String, String> m = new TreeMap<>();
    put(m, "user", user);
    put(m, "workdir", workdir);
    put(m, "env", env == null ? null : String.join("\n", env));
    put(m, "shell", shell == null ? null : String.join(" ", shell));
    put(m, "network", network);
    put(m, "mounts", mounts);
    put(m, "files", files);
    for (int n = 0; n < urls.size(); n++) {
      m.put("url." + n, urls.get(n));
    }
    put(m, "chown", chown);
    if (env == null) { // COPY/ADD: a RUN always has its environment
      m.put("copier", COPIER);
    }
    return m;
  }

  private static void put(Map<String, String> m, String name, String value) {
    if (value != null) {
      m.put(name, value);
    }
  }

  /**
   * The inputs a record kept ({@link #encode()}'s entries); a shell is split at spaces again, which
   * is how it is shown. Entries of no known name are left out.
   */
  public static KeyInputs decode(Map<String, String> m) {
    List<String> urls = new ArrayList<>();
    for (int n = 0; m.containsKey("url." + n); n++) {
      urls.add(m.get("url." + n));
    }
    String env = m.get("env");
    String shell = m.get("shell");
    return new KeyInputs(
        m.get("user"),
        m.get("workdir"),
        env == null ? null : env.isEmpty() ? List.of() : Arrays.asList(env.split("\n", -1)),
        shell == null ? null : shell.isEmpty() ? List.of() : Arrays.asList(shell.split(" ")),
        m.get("network"),
        m.get("mounts"),
        m.get("files"),
        urls,
        m.get("chown"));
  }
}
