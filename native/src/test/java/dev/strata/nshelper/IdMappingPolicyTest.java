package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.nshelper.IdMapping.Mode;
import dev.strata.nshelper.IdMapping.Range;
import dev.strata.nshelper.IdMappingPolicy.Facts;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdMappingPolicyTest {
  private static final String SUB = "alice:100000:65536\nbob:200000:1000\n";

  @ParameterizedTest(
      name = "[{index}] uid={0} request={1} ROOTLESS={2} subids={3} tools={4} -> {5}")
  @CsvSource(
      nullValues = "-",
      value = {
        // an ordinary user with ranges and tools: podman's mapping
        "1000, -,        -, true,  true,  SUBIDS",
        // no ranges: single-id mode, not an error
        "1000, -,        -, false, true,  SINGLE",
        // ranges but no newuidmap: single-id mode
        "1000, -,        -, true,  false, SINGLE",
        // forced single even with ranges (tests, STRATA_ID_MAPPING=single)
        "1000, single,   -, true,  true,  SINGLE",
        // real root maps the identity
        "0,    -,        -, false, false, IDENTITY",
        // root forced rootless without ranges: single
        "0,    -,        1, false, true,  SINGLE",
        // STRATA_ROOTLESS=0 as root: identity
        "0,    -,        0, true,  true,  IDENTITY",
      })
  void choosesMode(
      long uid, String request, String rootless, boolean subids, boolean tools, Mode expected) {
    String name = uid == 0 ? "root" : "alice";
    String file = subids ? (uid == 0 ? "root:300000:65536\n" : SUB) : "";
    Facts f = new Facts(uid, uid, name, file, file, tools);
    IdMapping m =
        IdMappingPolicy.choose(Optional.ofNullable(request).map(Mode::parse), rootless, f);
    assertEquals(expected, m.mode());
  }

  @ParameterizedTest(name = "[{index}] uid={0} request={1} ROOTLESS={2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // identity needs root
        "1000, identity, -",
        "1000, -,        0",
        // subids requested but the user has none
        "1001, subids,   -",
      })
  void refusesImpossibleRequests(long uid, String request, String rootless) {
    Facts f = new Facts(uid, uid, uid == 1000 ? "alice" : "carol", SUB, SUB, true);
    assertThrows(
        IllegalArgumentException.class,
        () -> IdMappingPolicy.choose(Optional.ofNullable(request).map(Mode::parse), rootless, f));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // by name
        "alice:100000:65536        | 100000:65536",
        // by uid
        "1000:5000:10              | 5000:10",
        // two ranges, in file order
        "alice:1:2\\nalice:10:20   | 1:2,10:20",
        // other users, comments and garbage are skipped
        "bob:1:2\\n# x\\nalice:x:1 | ''",
        // zero count is no range
        "alice:100:0               | ''",
      })
  void parsesSubordinateRanges(String file, String expected) {
    List<Range> r = IdMappingPolicy.ranges(file.replace("\\n", "\n"), "alice", 1000);
    String got = String.join(",", r.stream().map(x -> x.outside() + ":" + x.count()).toList());
    assertEquals(expected, got);
  }

  @org.junit.jupiter.api.Test
  void subordinateMappingStacksRangesAfterZero() {
    IdMapping m =
        IdMapping.subordinate(
            1000, 1000, List.of(new Range(0, 100000, 10), new Range(0, 300000, 5)), List.of());
    assertEquals("[0:1000:1, 1:100000:10, 11:300000:5]", m.uids().toString());
    assertEquals("[0:1000:1]", m.gids().toString());
    assertEquals(16, m.uidCount());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // a host: the whole range
        "'         0          0 4294967295\\n' | 0:0:4294967295",
        // root in a hostUsers: false pod: only the pod's ids (issue 19's refused uid_map write)
        "'         0    1000000      65536\\n' | 0:0:65536",
        // two ranges in the parent: both, each to itself
        "'0 100000 1000\\n1000 5000 10\\n'      | 0:0:1000 1000:1000:10",
        // unreadable or unparsable: the whole range
        "''                                   | 0:0:4294967295",
        "'x 0 5\\n'                            | 0:0:4294967295",
      })
  void identityMapsOnlyTheIdsThisNamespaceHas(String map, String expected) {
    String text = map.replace("\\n", "\n");
    IdMapping m = IdMapping.identityWithin(text, text);
    assertEquals(Mode.IDENTITY, m.mode());
    assertEquals(expected, String.join(" ", m.uids().stream().map(Range::toString).toList()));
    assertEquals(m.uids(), m.gids());
  }
}
