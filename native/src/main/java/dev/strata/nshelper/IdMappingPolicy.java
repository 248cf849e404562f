package dev.strata.nshelper;

import dev.strata.nshelper.IdMapping.Mode;
import dev.strata.nshelper.IdMapping.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the {@link IdMapping} for a caller from what the system offers. A pure function of its
 * inputs, so every case is a table row in the tests; {@link UserNamespace} gathers the inputs.
 *
 * <p>Requests, strongest first: the {@code --id-mapping} flag, {@code STRATA_ID_MAPPING} (identity,
 * subids, single or auto), {@code STRATA_ROOTLESS} (0: identity, which needs root; 1: rootless even
 * as root). Auto means identity as root, else subids when this user has ranges in both /etc/subuid
 * and /etc/subgid and newuidmap/newgidmap exist, else single.
 */
public final class IdMappingPolicy {
  private IdMappingPolicy() {}

  /** What the system offers, as read by {@link UserNamespace}. */
  public record Facts(
      long uid,
      long gid,
      String userName,
      String subuidFile,
      String subgidFile,
      boolean mapToolsPresent) {}

  /**
   * The mapping for {@code facts} under {@code request} (empty: auto), {@code rootless}
   * (STRATA_ROOTLESS: "0", "1" or null).
   */
  public static IdMapping choose(Optional<Mode> request, String rootless, Facts facts) {
    Mode mode = request.orElse(null);
    if (mode == null && "0".equals(rootless)) {
      mode = Mode.IDENTITY;
    }
    if (mode == null && facts.uid() == 0 && !"1".equals(rootless)) {
      mode = Mode.IDENTITY;
    }
    List<Range> subuids = ranges(facts.subuidFile(), facts.userName(), facts.uid());
    List<Range> subgids = ranges(facts.subgidFile(), facts.userName(), facts.uid());
    if (mode == null) {
      boolean usable = !subuids.isEmpty() && !subgids.isEmpty() && facts.mapToolsPresent();
      mode = usable ? Mode.SUBIDS : Mode.SINGLE;
    }
    switch (mode) {
      case IDENTITY:
        if (facts.uid() != 0) {
          throw new IllegalArgumentException(
              "the identity id mapping (STRATA_ROOTLESS=0) needs root; run as root or unset it");
        }
        return IdMapping.identity();
      case SUBIDS:
        if (subuids.isEmpty() || subgids.isEmpty()) {
          throw new IllegalArgumentException(
              "the subids id mapping needs ranges for "
                  + facts.userName()
                  + " in /etc/subuid and /etc/subgid (as root: usermod --add-subuids"
                  + " 100000-165535 --add-subgids 100000-165535 "
                  + facts.userName()
                  + ")");
        }
        if (!facts.mapToolsPresent()) {
          throw new IllegalArgumentException(
              "the subids id mapping needs newuidmap and newgidmap (apt-get install uidmap)");
        }
        return IdMapping.subordinate(facts.uid(), facts.gid(), subuids, subgids);
      case SINGLE:
      default:
        return IdMapping.single(facts.uid(), facts.gid());
    }
  }

  /**
   * The ranges for a user in an /etc/subuid-format text ({@code NAME_OR_UID:START:COUNT} per line,
   * subuid(5)); malformed lines are skipped as shadow-utils skips them.
   */
  static List<Range> ranges(String file, String userName, long uid) {
    List<Range> out = new ArrayList<>();
    if (file == null) {
      return out;
    }
    for (String line : file.split("\n")) {
      String[] f = line.trim().split(":");
      if (f.length != 3 || !(f[0].equals(userName) || f[0].equals(Long.toString(uid)))) {
        continue;
      }
      try {
        long start = Long.parseLong(f[1]);
        long count = Long.parseLong(f[2]);
        if (start >= 0 && count > 0) {
          out.add(new Range(0, start, count));
        }
      } catch (NumberFormatException e) {
        // skipped, as newuidmap skips it
      }
    }
    // The helper passes at most 16 ranges (protocol.h MAX_MAPS); one is the caller's own id.
    return out.size() > 15 ? out.subList(0, 15) : out;
  }
}
