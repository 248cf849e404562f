package dev.strata.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.buildcache.CacheKey;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.Location;
import dev.strata.oci.Digest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BuildKit's checks on COPY/ADD flags, and the record key of a linked copy. */
class CopyOptionsTest {
  private static final Location AT = new Location(2, 2, 1, "COPY ...");
  private static final CacheKey PARENT_A = CacheKey.base(Digest.sha256(new byte[] {1}));
  private static final CacheKey PARENT_B = CacheKey.base(Digest.sha256(new byte[] {2}));

  private static Instruction.Copy copy(String dest, String chmod, boolean link, List<String> sources) {
    return new Instruction.Copy(AT, sources, dest, null, null, chmod, link, false, List.of(), List.of());
  }

  private static Instruction.Add add(String checksum, List<String> sources) {
    return new Instruction.Add(AT, sources, "/d/", null, null, false, false, checksum, List.of(), List.of());
  }

  private static final Map<String, String> INPUTS = Map.of("files", "sha256:f", "user", "u", "workdir", "/w");

  @Test
  void aLinkedCopyIsFoundWhateverItsParentAndUser() {
    Instruction.Copy c = copy("/app/", null, true, List.of("a"));
    CacheKey a = CopyOptions.recordKey(c, PARENT_A.child("c", INPUTS), "c", INPUTS);
    CacheKey b = CopyOptions.recordKey(c, PARENT_B.child("c", INPUTS), "c", Map.of("files", "sha256:f", "user", "other", "workdir", "/x"));
    assertEquals(a, b, "absolute dest: WORKDIR and USER do not matter");
    assertNotEquals(a, CopyOptions.recordKey(c, PARENT_A.child("c", INPUTS), "c", Map.of("files", "sha256:g")),
        "the files do");
  }

  @Test
  void aRelativeDestKeepsWorkdirInTheKey() {
    Instruction.Copy c = copy("app/", null, true, List.of("a"));
    assertNotEquals(
        CopyOptions.recordKey(c, PARENT_A, "c", INPUTS),
        CopyOptions.recordKey(c, PARENT_A, "c", Map.of("files", "sha256:f", "user", "u", "workdir", "/x")));
  }

  @Test
  void withoutLinkOrWithChmodTheChainedKeyIsUsed() {
    CacheKey chained = PARENT_A.child("c", INPUTS);
    assertEquals(chained, CopyOptions.recordKey(copy("/a", null, false, List.of("a")), chained, "c", INPUTS));
    // BuildKit merges only --link without --chmod (dockerfile2llb dispatchCopy)
    assertEquals(chained, CopyOptions.recordKey(copy("/a", "644", true, List.of("a")), chained, "c", INPUTS));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "COPY of a URL | copy | | https://e.com/f | source can't be a URL for COPY",
        "git source | add | | git@github.com:o/r.git | git sources are not supported",
        "checksum for a local file | add | sha256:0000000000000000000000000000000000000000000000000000000000000000 | f.txt | checksum requires an HTTP(S) source",
        "checksum for two sources | add | sha256:0000000000000000000000000000000000000000000000000000000000000000 | https://e.com/a https://e.com/b | multiple sources",
        "malformed checksum | add | md5:00 | https://e.com/a | --checksum=md5:00",
      })
  void refusals(String name, String kind, String checksum, String sources, String message) {
    List<String> src = List.of(sources.split(" "));
    Instruction in = kind.equals("copy") ? copy("/d/", null, false, src) : add(checksum, src);
    BuildException e = assertThrows(BuildException.class, () -> CopyOptions.of(in).validate());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void urlsAndLocalSourcesAreTold() {
    CopyOptions o = CopyOptions.of(add(null, List.of("a.txt", "https://e.com/t.tgz")));
    assertEquals(List.of("a.txt"), o.localSources());
    assertEquals(List.of("https://e.com/t.tgz"), o.urls());
    o.validate();
  }
}
