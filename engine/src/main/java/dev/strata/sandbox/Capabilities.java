package dev.strata.sandbox;

import java.util.List;
import java.util.Locale;

/**
 * Linux capabilities by name (capabilities(7), linux/capability.h) as sets of bits, and the {@code
 * --cap-add}/{@code --cap-drop} arithmetic of podman (containers/common
 * pkg/capabilities.MergeCapabilities): ALL in the adds grants every capability, ALL in the drops
 * keeps only the adds, and one capability both added and dropped is an error.
 */
public final class Capabilities {
  private Capabilities() {}

  /** Every bit: the helper ignores those of capabilities its kernel does not have. */
  public static final long ALL = -1L;

  /** Index N is capability N. */
  private static final List<String> NAMES =
      List.of(
          "CHOWN",
          "DAC_OVERRIDE",
          "DAC_READ_SEARCH",
          "FOWNER",
          "FSETID",
          "KILL",
          "SETGID",
          "SETUID",
          "SETPCAP",
          "LINUX_IMMUTABLE",
          "NET_BIND_SERVICE",
          "NET_BROADCAST",
          "NET_ADMIN",
          "NET_RAW",
          "IPC_LOCK",
          "IPC_OWNER",
          "SYS_MODULE",
          "SYS_RAWIO",
          "SYS_CHROOT",
          "SYS_PTRACE",
          "SYS_PACCT",
          "SYS_ADMIN",
          "SYS_BOOT",
          "SYS_NICE",
          "SYS_RESOURCE",
          "SYS_TIME",
          "SYS_TTY_CONFIG",
          "MKNOD",
          "LEASE",
          "AUDIT_WRITE",
          "AUDIT_CONTROL",
          "SETFCAP",
          "MAC_OVERRIDE",
          "MAC_ADMIN",
          "SYSLOG",
          "WAKE_ALARM",
          "BLOCK_SUSPEND",
          "AUDIT_READ",
          "PERFMON",
          "BPF",
          "CHECKPOINT_RESTORE");

  /** The bit of capability {@code name} (NET_ADMIN, cap_net_admin, CAP_NET_ADMIN). */
  public static long bit(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    if (n.startsWith("CAP_")) {
      n = n.substring(4);
    }
    int i = NAMES.indexOf(n);
    if (i < 0) {
      throw new IllegalArgumentException(
          "unknown capability \"" + name + "\" (e.g. NET_ADMIN, SYS_PTRACE, ALL)");
    }
    return 1L << i;
  }

  /** {@code base} with {@code add} added and {@code drop} dropped, as podman does it. */
  public static long merge(long base, List<String> add, List<String> drop) {
    boolean addAll = add.stream().anyMatch(Capabilities::isAll);
    boolean dropAll = drop.stream().anyMatch(Capabilities::isAll);
    long adds = addAll ? ALL : 0;
    for (String a : add) {
      if (!isAll(a)) {
        adds |= bit(a);
      }
    }
    long drops = 0;
    for (String d : drop) {
      if (isAll(d)) {
        continue;
      }
      long b = bit(d);
      if (!addAll && (adds & b) != 0) {
        throw new IllegalArgumentException("capability " + d + " cannot be both added and dropped");
      }
      drops |= b;
    }
    if (addAll) {
      return ALL & ~drops;
    }
    return dropAll ? adds : (base | adds) & ~drops;
  }

  private static boolean isAll(String name) {
    return name.equalsIgnoreCase("ALL");
  }
}
