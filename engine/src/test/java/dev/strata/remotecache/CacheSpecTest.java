package dev.strata.remotecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.registry.RemoteImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --cache-to/--cache-from values as buildx spells them, and the one-line refusals of bad ones. */
class CacheSpecTest {
  @Test
  void parses() {
    record Row(String text, boolean to, CacheSpec want) {}
    RemoteImage ref = RemoteImage.parse("127.0.0.1:5000/cache/app:main");
    List<Row> rows =
        List.of(
            new Row(
                "type=registry,ref=127.0.0.1:5000/cache/app:main",
                false,
                new CacheSpec(null, ref, false)),
            new Row(
                "type=registry,ref=127.0.0.1:5000/cache/app:main,mode=max",
                true,
                new CacheSpec(null, ref, true)),
            new Row(
                "type=registry,ref=127.0.0.1:5000/cache/app:main",
                true,
                new CacheSpec(null, ref, false)),
            new Row(
                "type=local,dest=/ci-cache,mode=max",
                true,
                new CacheSpec(Path.of("/ci-cache"), true)),
            new Row("type=local,src=/ci-cache", false, new CacheSpec(Path.of("/ci-cache"), false)));
    for (Row r : rows) {
      assertEquals(r.want(), r.to() ? CacheSpec.to(r.text()) : CacheSpec.from(r.text()), r.text());
    }
    assertEquals("127.0.0.1:5000/cache/app:main", CacheSpec.from(rows.get(0).text()).shown());
  }

  @Test
  void refuses() {
    record Row(String text, boolean to, String says) {}
    List<Row> rows =
        List.of(
            new Row(
                "type=registry",
                false,
                "--cache-from type=registry: type=registry needs ref=REGISTRY/REPOSITORY:TAG"),
            new Row(
                "type=registry,ref=127.0.0.1:5000/c@sha256:" + "a".repeat(64),
                true,
                "a cache is pushed under a tag, not a digest"),
            new Row(
                "type=s3,bucket=x",
                true,
                "--cache-to type=s3,bucket=x: type=s3 is not supported (type=local or type=registry)"),
            new Row(
                "type=registry,ref=127.0.0.1:5000/c:x,mode=all", true, "mode=all: want min or max"),
            new Row(
                "type=registry,ref=UPPER/Case:x",
                false,
                "--cache-from type=registry,ref=UPPER/Case:x: ref=UPPER/Case:x: "));
    for (Row r : rows) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> {
                if (r.to()) {
                  CacheSpec.to(r.text());
                } else {
                  CacheSpec.from(r.text());
                }
              },
              r.text());
      assertEquals(true, e.getMessage().contains(r.says()), r.text() + ": " + e.getMessage());
    }
  }
}
