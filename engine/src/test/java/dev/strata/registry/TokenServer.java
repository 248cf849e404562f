package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Json;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small token server (distribution docs/spec/auth/token.md and jwt.md) for a real
 * docker-registry: checks Basic credentials, grants the scopes asked for, and signs an RS256 JWT
 * whose x5c header carries the self-signed certificate the registry's rootcertbundle trusts. The
 * key pair comes from the JDK's keytool.
 */
final class TokenServer implements AutoCloseable {
  static final String SERVICE = "strata-test-registry";
  static final String ISSUER = "strata-test-issuer";
  static final String TOKEN_PREFIX = "eyJ"; // every JWT starts so; tests look for it in output

  private final HttpServer server;
  private final PrivateKey key;
  private final Certificate cert;
  private final Path certPem;
  private final String user;
  private final String password;
  final AtomicInteger issued = new AtomicInteger();
  final List<String> scopesAsked = java.util.Collections.synchronizedList(new ArrayList<>());

  TokenServer(Path dir, String user, String password) throws Exception {
    this.user = user;
    this.password = password;
    Files.createDirectories(dir);
    Path ks = dir.resolve("token.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    run(
        keytool.toString(),
        "-genkeypair",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-alias",
        "t",
        "-dname",
        "CN=strata-token",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        ks.toString(),
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    certPem = dir.resolve("token.pem");
    run(
        keytool.toString(),
        "-exportcert",
        "-rfc",
        "-alias",
        "t",
        "-keystore",
        ks.toString(),
        "-storepass",
        "changeit",
        "-file",
        certPem.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(ks.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    key = (PrivateKey) store.getKey("t", "changeit".toCharArray());
    cert = store.getCertificate("t");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", this::token);
    server.start();
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      fail(String.join(" ", cmd) + " failed: " + out);
    }
  }

  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  Path certificate() {
    return certPem;
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String want =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!want.equals(auth)) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      ArrayNode access = Json.object().arrayNode();
      String query = ex.getRequestURI().getRawQuery();
      for (String kv : query == null ? new String[0] : query.split("&")) {
        String[] p = kv.split("=", 2);
        if (p[0].equals("scope") && p.length == 2) {
          String scope = URLDecoder.decode(p[1], StandardCharsets.UTF_8);
          scopesAsked.add(scope);
          String[] s = scope.split(":");
          if (s.length == 3) {
            ObjectNode a = access.addObject();
            a.put("type", s[0]);
            a.put("name", s[1]);
            ArrayNode actions = a.putArray("actions");
            for (String act : s[2].split(",")) {
              actions.add(act);
            }
          }
        }
      }
      long now = System.currentTimeMillis() / 1000;
      ObjectNode header = Json.object();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
      ObjectNode claims = Json.object();
      claims.put("iss", ISSUER);
      claims.put("sub", user);
      claims.put("aud", SERVICE);
      claims.put("exp", now + 300);
      claims.put("nbf", now - 10);
      claims.put("iat", now);
      claims.put("jti", UUID.randomUUID().toString());
      claims.set("access", access);
      String signingInput = b64(Json.bytes(header)) + "." + b64(Json.bytes(claims));
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(key);
      sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      String jwt = signingInput + "." + b64(sig.sign());
      ObjectNode body = Json.object();
      body.put("token", jwt);
      body.put("expires_in", 300);
      byte[] b = Json.bytes(body);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      issued.incrementAndGet();
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
