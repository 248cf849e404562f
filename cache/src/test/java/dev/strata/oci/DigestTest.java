package dev.strata.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  private static final String HEX64 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:" + HEX64, // sha256 of the empty string
        "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
      })
  void good(String s) {
    Digest d = Digest.parse(s);
    assertEquals(s, d.toString());
    assertEquals(d, Digest.parse(d.toString()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // input | what the message must say
        "sha256:abc | wrong number of hex digits",
        "sha256: | wrong number of hex digits",
        "md5:d41d8cd98f00b204e9800998ecf8427e | unsupported algorithm",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | no algorithm prefix",
        ":e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | no algorithm prefix",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 | not lower-case hex",
        "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | not lower-case hex",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | unsupported algorithm",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550 | wrong number of hex digits",
        "sha256 :e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 | unsupported algorithm",
      })
  void bad(String s, String why) {
    InvalidDigestException e = assertThrows(InvalidDigestException.class, () -> Digest.parse(s));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertTrue(e.getMessage().contains("cannot parse digest"), e.getMessage());
  }

  @Test
  void sha256OfBytes() {
    assertEquals("sha256:" + HEX64, Digest.sha256(new byte[0]).toString());
    assertEquals(
        "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        Digest.sha256("hello".getBytes(StandardCharsets.UTF_8)).toString());
  }

  @Test
  void nullIsRefused() {
    assertThrows(InvalidDigestException.class, () -> Digest.parse(null));
  }
}
