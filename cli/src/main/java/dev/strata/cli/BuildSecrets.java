package dev.strata.cli;

import dev.strata.solver.BuildException;
import dev.strata.solver.BuildRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --secret} values as docker buildx takes them: {@code id=ID,src=FILE} (also {@code
 * source=}), {@code id=ID,env=VAR}, {@code type=file|env}; with only an id, the variable of that
 * name. Read once, in memory (secrets are small), never written into the store's records.
 */
final class BuildSecrets {
  private BuildSecrets() {}

  static Map<String, byte[]> parse(List<String> specs) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String spec : specs) {
      String id = null;
      String src = null;
      String env = null;
      String type = null;
      for (String field : spec.split(",")) {
        int eq = field.indexOf('=');
        String k = eq < 0 ? field : field.substring(0, eq);
        String v = eq < 0 ? "" : field.substring(eq + 1);
        switch (k) {
          case "id" -> id = v;
          case "src", "source" -> src = v;
          case "env" -> env = v;
          case "type" -> type = v;
          default ->
              throw new BuildException(
                  "--secret " + spec + ": unknown key \"" + k + "\" (id, src, env, type)");
        }
      }
      if (id == null || id.isEmpty()) {
        throw new BuildException("--secret " + spec + ": id=ID is required");
      }
      if (type != null && !type.equals("file") && !type.equals("env")) {
        throw new BuildException("--secret " + spec + ": type=" + type + ": want file or env");
      }
      byte[] value;
      if (src != null && !"env".equals(type)) {
        Path p = Path.of(src);
        try {
          if (Files.size(p) > BuildRequest.MAX_SECRET) {
            throw new BuildException(
                "--secret id="
                    + id
                    + ": "
                    + src
                    + " is larger than "
                    + BuildRequest.MAX_SECRET
                    + " bytes");
          }
          value = Files.readAllBytes(p);
        } catch (IOException e) {
          throw new BuildException(
              "--secret id=" + id + ": cannot read " + src + ": " + e.getMessage(), e);
        }
      } else {
        String var = env != null ? env : src != null ? src : id;
        String v = System.getenv(var);
        if (v == null) {
          throw new BuildException("--secret id=" + id + ": the variable " + var + " is not set");
        }
        value = v.getBytes(StandardCharsets.UTF_8);
      }
      out.put(id, value);
    }
    return out;
  }
}
