package dev.strata.nshelper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How ids inside Strata's user namespace map to the host (DESIGN.md "Rootless model"): a value;
 * {@link IdMappingPolicy} chooses one.
 *
 * @param mode which of the three ways
 * @param uids uid ranges, inside to outside
 * @param gids gid ranges, inside to outside
 */
public record IdMapping(Mode mode, List<Range> uids, List<Range> gids) {

  /** The three ways of mapping, named as {@code STRATA_ID_MAPPING} and {@code --id-mapping}. */
  public enum Mode {
    /** As real root: every id maps to itself. */
    IDENTITY,
    /** 0 to the caller and 1..N to the /etc/subuid and /etc/subgid ranges, as podman does. */
    SUBIDS,
    /** Only 0 to the caller; ownership that cannot be applied is recorded instead. */
    SINGLE;

    /** The word used in flags and environment variables. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named by {@code word}. */
    public static Mode parse(String word) {
      for (Mode m : values()) {
        if (m.word().equals(word)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown id mapping \"" + word + "\": expected identity, subids or single");
    }
  }

  /** {@code count} ids from {@code inside} map to ids from {@code outside}. */
  public record Range(long inside, long outside, long count) {
    public Range {
      if (inside < 0 || outside < 0 || count <= 0) {
        throw new IllegalArgumentException("bad id range " + inside + ":" + outside + ":" + count);
      }
    }

    /** The helper's INSIDE:OUTSIDE:COUNT form. */
    @Override
    public String toString() {
      return inside + ":" + outside + ":" + count;
    }
  }

  public IdMapping {
    uids = List.copyOf(uids);
    gids = List.copyOf(gids);
    if (uids.isEmpty() || gids.isEmpty()) {
      throw new IllegalArgumentException("an id mapping needs at least one uid and one gid range");
    }
  }

  /** Every id to itself (the kernel's initial namespace map). */
  public static IdMapping identity() {
    List<Range> all = List.of(new Range(0, 0, 4294967295L));
    return new IdMapping(Mode.IDENTITY, all, all);
  }

  /**
   * Every id this process's own user namespace has, to itself: {@code uidMap} and {@code gidMap}
   * are that namespace's {@code /proc/self/uid_map} and {@code gid_map} (INSIDE OUTSIDE COUNT
   * lines). On a host that is the whole range; as root in a pod with {@code hostUsers: false} it is
   * the pod's 65536 ids, and a child namespace may map no others (the kernel refuses the {@code
   * uid_map} write). Blank or unreadable maps give {@link #identity()}.
   */
  public static IdMapping identityWithin(String uidMap, String gidMap) {
    List<Range> uids = ownRanges(uidMap);
    List<Range> gids = ownRanges(gidMap);
    if (uids.isEmpty() || gids.isEmpty()) {
      return identity();
    }
    return new IdMapping(Mode.IDENTITY, uids, gids);
  }

  private static List<Range> ownRanges(String map) {
    List<Range> out = new ArrayList<>();
    if (map == null) {
      return out;
    }
    for (String line : map.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 3) {
        continue;
      }
      try {
        long inside = Long.parseLong(f[0]);
        long count = Long.parseLong(f[2]);
        out.add(new Range(inside, inside, count));
      } catch (IllegalArgumentException e) {
        return new ArrayList<>(); // not a map we understand: the caller falls back
      }
    }
    return out;
  }

  /** Only 0 to the caller's uid and gid. */
  public static IdMapping single(long uid, long gid) {
    return new IdMapping(Mode.SINGLE, List.of(new Range(0, uid, 1)), List.of(new Range(0, gid, 1)));
  }

  /** 0 to the caller, then 1.. to the subordinate ranges in order. */
  public static IdMapping subordinate(
      long uid, long gid, List<Range> subuids, List<Range> subgids) {
    return new IdMapping(Mode.SUBIDS, stack(uid, subuids), stack(gid, subgids));
  }

  private static List<Range> stack(long own, List<Range> subordinate) {
    List<Range> out = new ArrayList<>();
    out.add(new Range(0, own, 1));
    long next = 1;
    for (Range r : subordinate) {
      out.add(new Range(next, r.outside(), r.count()));
      next += r.count();
    }
    return out;
  }

  /** How many uids exist inside (the highest mapped uid + 1). */
  public long uidCount() {
    return uids.stream().mapToLong(r -> r.inside() + r.count()).max().orElse(0);
  }
}
