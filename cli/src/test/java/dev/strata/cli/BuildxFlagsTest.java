package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.solver.BuildException;
import dev.strata.solver.BuildOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildxFlagsTest {
  private static BuildxFlags flags() {
    return new BuildxFlags();
  }

  private static void refused(Runnable r, String message) {
    BuildException e = assertThrows(BuildException.class, r::run);
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void labelsKeepOrderAndAKeyAloneIsEmpty() {
    BuildxFlags f = flags();
    f.labels = List.of("a=1", "b", "c=x=y", "a=2");
    assertEquals(List.of("a", "b", "c"), List.copyOf(f.labels().keySet()));
    assertEquals(Map.of("a", "2", "b", "", "c", "x=y"), f.labels());
    f.labels = List.of("=v");
    refused(f::labels, "--label =v");
  }

  @Test
  void annotationsOfTheManifestOnly() {
    BuildxFlags f = flags();
    f.annotations = List.of("k=v", "manifest:org.x=a:b");
    assertEquals(Map.of("k", "v", "org.x", "a:b"), f.annotations());
    for (String bad : List.of("index:k=v", "manifest-descriptor:k=v", "k", "manifest:=v")) {
      f.annotations = List.of(bad);
      refused(f::annotations, "--annotation " + bad);
    }
  }

  @Test
  void addHostsAsHostsLines() {
    BuildxFlags f = flags();
    f.addHosts = List.of("db:10.0.0.1", "six:::1", "eq=fd00::2");
    assertEquals(List.of("10.0.0.1\tdb", "::1\tsix", "fd00::2\teq"), f.addHosts());
    for (String bad :
        List.of(
            "db", ":1.2.3.4", "db:256.1.1.1", "db:host-gateway", "db:example.com", "a b:1.2.3.4")) {
      f.addHosts = List.of(bad);
      refused(f::addHosts, "--add-host " + bad);
    }
  }

  @Test
  void pushIsARegistryOutputPerTag() {
    BuildxFlags f = flags();
    assertEquals(List.of(), f.pushes(List.of("a:1")));
    f.push = true;
    List<BuildOutput> outs = f.pushes(List.of("r.example/a:1", "r.example/a:2"));
    assertEquals(
        List.of("r.example/a:1", "r.example/a:2"), outs.stream().map(BuildOutput::name).toList());
    assertTrue(outs.stream().allMatch(o -> o.type().equals("registry")));
    refused(() -> f.pushes(List.of()), "--push: want a name");
  }
}
