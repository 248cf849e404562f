package dev.strata.frontend.ignore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go's path/filepath.Match, row by row from its own match_test.go table, and the COPY sources of
 * issue 18 row K: {@code [[]} and {@code \?} match literally, never as wildcards.
 */
class GoMatchTest {
  @ParameterizedTest(name = "{0} ~ {1} => {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "abc|abc|true",
        "*|abc|true",
        "*c|abc|true",
        "a*|a|true",
        "a*|abc|true",
        "a*|ab/c|false", // * never crosses /
        "a*/b|abc/b|true",
        "a*/b|a/c/b|false",
        "a*b*c*d*e*/f|axbxcxdxe/f|true",
        "a*b*c*d*e*/f|axbxcxdxexxx/f|true",
        "a*b*c*d*e*/f|axbxcxdxe/xxx/f|false",
        "a*b*c*d*e*/f|axbxcxdxexxx/fff|false",
        "a*b?c*x|abxbbxdbxebxczzx|true",
        "a*b?c*x|abxbbxdbxebxczzy|false",
        "ab[c]|abc|true",
        "ab[b-d]|abc|true",
        "ab[e-g]|abc|false",
        "ab[^c]|abc|false",
        "ab[^b-d]|abc|false",
        "ab[^e-g]|abc|true",
        "a\\*b|a*b|true", // an escaped star is a star
        "a\\*b|ab|false",
        "a?b|a☺b|true", // ? is one character, not one byte
        "a[^a]b|a☺b|true",
        "a???b|a☺b|false",
        "[a-ζ]*|α|true",
        "*[a-ζ]|A|false",
        "a?b|a/b|false",
        "a*b|a/b|false",
        "[\\]a]|]|true",
        "[\\-]|-|true",
        "[x\\-]|x|true",
        "[x\\-]|-|true",
        "[x\\-]|z|false",
        "[\\-x]|-|true",
        "[\\-x]|a|false",
        "*x|xxx|true",
        // issue 18 row K (buildah's copy-escape-glob): "[" after "[" is a class holding "["
        "[[]xyz]|[xyz]|true",
        "[[]xyz]|strauv|false",
        "[[]abc]|[abc]|true",
        "n\\?pe|n?pe|true",
        "n\\?pe|nope|false",
        "st\\*uv|st*uv|true",
        "st\\*uv|strauv|false",
      })
  void matchesAsGoDoes(String pattern, String name, boolean expected) throws Exception {
    assertEquals(expected, GoMatch.match(pattern, name));
    if (!name.contains("/")) {
      assertEquals(expected, GoMatch.matchSegment(pattern, name));
    }
  }

  @ParameterizedTest(name = "{0} ~ {1} is a bad pattern")
  @CsvSource(
      delimiter = '|',
      value = {
        "[]a]|]",
        "[-]|-",
        "[x-]|x",
        "[x-]|z",
        "[-x]|x",
        "\\|a",
        "[a-b-c]|a",
        "[|a",
        "[^|a",
        "[^bc|a",
        "a[|a",
        "a[|ab",
        "a[|x",
        "a/b[|x",
      })
  void badPatternsAreRefusedAndMatchNothing(String pattern, String name) {
    assertThrows(IgnorePatternException.class, () -> GoMatch.match(pattern, name));
    assertEquals(false, GoMatch.matchSegment(pattern, name));
  }
}
