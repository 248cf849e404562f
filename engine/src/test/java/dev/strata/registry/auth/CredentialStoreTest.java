package dev.strata.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  @TempDir Path home;

  private static String auth(String user, String pw) {
    return new Credentials(user, pw).encodeAuth();
  }

  @Test
  void readsDockerConfigWithHubKeyAndUrlKeys() throws Exception {
    Path cfg = home.resolve(".docker/config.json");
    Files.createDirectories(cfg.getParent());
    Files.writeString(
        cfg,
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
            + auth("hub", "pw1")
            + "\"},\"http://127.0.0.1:5000/v2/\":{\"auth\":\""
            + auth("local", "pw:with:colons")
            + "\"},"
            + "\"quay.io\":{\"identitytoken\":\"refresh-tok\"}}}");
    CredentialStore s = CredentialStore.fromEnvironment(Map.of(), home, null);
    assertEquals(Optional.of(new Credentials("hub", "pw1")), s.find("docker.io"));
    assertEquals(Optional.of(new Credentials("local", "pw:with:colons")), s.find("127.0.0.1:5000"));
    assertTrue(s.find("quay.io").get().isIdentityToken());
    assertEquals(Optional.empty(), s.find("ghcr.io"));
  }

  @Test
  void registryAuthFileComesFirstAndReceivesLogins() throws Exception {
    Path raf = home.resolve("auth.json");
    Files.writeString(raf, "{\"auths\":{\"r.io\":{\"auth\":\"" + auth("first", "a") + "\"}}}");
    Path docker = home.resolve(".docker/config.json");
    Files.createDirectories(docker.getParent());
    Files.writeString(docker, "{\"auths\":{\"r.io\":{\"auth\":\"" + auth("second", "b") + "\"}}}");
    CredentialStore s =
        CredentialStore.fromEnvironment(Map.of("REGISTRY_AUTH_FILE", raf.toString()), home, null);
    assertEquals("first", s.find("r.io").get().username());
    assertEquals(raf, s.writeFile());
    s.store("new.io", new Credentials("u", "p"));
    assertTrue(Files.readString(raf).contains("new.io"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(raf)));
    assertTrue(s.erase("r.io"));
    // both files lose r.io
    assertEquals(Optional.empty(), s.find("r.io"));
    assertFalse(s.erase("r.io"));
  }

  @Test
  void loginWritesDockerConfigKeepingOtherFields() throws Exception {
    Path docker = home.resolve(".docker/config.json");
    Files.createDirectories(docker.getParent());
    Files.writeString(docker, "{\"auths\":{},\"psFormat\":\"table\"}");
    CredentialStore s = CredentialStore.fromEnvironment(Map.of(), home, null);
    assertEquals(docker.toString(), s.store("docker.io", new Credentials("me", "pw")));
    String text = Files.readString(docker);
    assertTrue(text.contains("https://index.docker.io/v1/") && text.contains("psFormat"), text);
    assertEquals("me", s.find("index.docker.io").get().username());
  }

  @Test
  void credentialHelpersByRegistryAndCredsStore() throws Exception {
    Path bin = home.resolve("bin");
    Files.createDirectories(bin);
    Path db = home.resolve("helper-db");
    Files.createDirectories(db);
    // A helper speaking docker-credential-helpers' protocol, keeping secrets in files under db.
    Path helper = bin.resolve("docker-credential-strata-test");
    Files.writeString(
        helper,
        String.join(
            "\n",
            "#!/bin/sh",
            "DB='" + db + "'",
            "case \"$1\" in",
            "get) read -r url; f=\"$DB/$(echo \"$url\" | tr -c 'a-zA-Z0-9' _)\";",
            "     if [ -f \"$f\" ]; then cat \"$f\"; else echo 'credentials not found in native keychain'; exit 1; fi ;;",
            "store) json=$(cat); url=$(echo \"$json\" | sed 's/.*\"ServerURL\":\"\\([^\"]*\\)\".*/\\1/');",
            "     echo \"$json\" > \"$DB/$(echo \"$url\" | tr -c 'a-zA-Z0-9' _)\" ;;",
            "erase) read -r url; f=\"$DB/$(echo \"$url\" | tr -c 'a-zA-Z0-9' _)\";",
            "     if [ -f \"$f\" ]; then rm \"$f\"; else echo 'credentials not found in native keychain'; exit 1; fi ;;",
            "esac",
            ""));
    helper.toFile().setExecutable(true);
    Path docker = home.resolve(".docker/config.json");
    Files.createDirectories(docker.getParent());
    Files.writeString(
        docker,
        "{\"credHelpers\":{\"127.0.0.1:5000\":\"strata-test\"},\"auths\":{\"other.io\":{\"auth\":\""
            + auth("o", "p")
            + "\"}}}");
    // the helper is found on PATH: run the JVM's children with bin first
    CredentialHelper h = new CredentialHelper("strata-test", List.of(bin));
    assertEquals(Optional.empty(), h.get("127.0.0.1:5000"));
    h.store("127.0.0.1:5000", new Credentials("helper-user", "helper-secret"));
    assertEquals(
        Optional.of(new Credentials("helper-user", "helper-secret")), h.get("127.0.0.1:5000"));
    assertTrue(h.erase("127.0.0.1:5000"));
    assertFalse(h.erase("127.0.0.1:5000"));
    // through the config: credHelpers for the registry, auths for the others
    CredentialStore s =
        CredentialStore.fromEnvironment(Map.of(), home, null).withHelperPath(List.of(bin));
    assertEquals(
        "docker-credential-strata-test",
        s.store("127.0.0.1:5000", new Credentials("via-config", "s3")));
    assertEquals(Optional.of(new Credentials("via-config", "s3")), s.find("127.0.0.1:5000"));
    assertFalse(
        Files.readString(docker).contains("s3"), "the secret went to the helper, not the file");
    assertEquals("o", s.find("other.io").get().username());
    assertTrue(s.erase("127.0.0.1:5000"));
    assertEquals(Optional.empty(), s.find("127.0.0.1:5000"));
    AuthException e =
        assertThrows(
            AuthException.class, () -> new CredentialHelper("no-such-helper-xyz").get("x"));
    assertTrue(e.getMessage().contains("docker-credential-no-such-helper-xyz"), e.getMessage());
  }

  @Test
  void secretsNeverInToString() {
    assertFalse(new Credentials("u", "hunter2").toString().contains("hunter2"));
  }

  @Test
  void corruptAuthEntryNamesTheFileNotTheValue() throws Exception {
    Path raf = home.resolve("auth.json");
    Files.writeString(raf, "{\"auths\":{\"r.io\":{\"auth\":\"bm9jb2xvbg==\"}}}"); // "nocolon"
    CredentialStore s = new CredentialStore(List.of(raf), raf);
    AuthException e = assertThrows(AuthException.class, () -> s.find("r.io"));
    assertTrue(
        e.getMessage().contains(raf.toString()) && !e.getMessage().contains("nocolon"),
        e.getMessage());
  }
}
