package dev.strata.bench.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole environment a builder's processes get: a home, config, runtime dir, auth file and
 * containers configuration of their own under one directory, and of the caller's only PATH and
 * JAVA_HOME. Nothing of the user who runs the bench changes what a builder does: a user's
 * ~/.config/containers, auth files, LANG or GIT_* variables would make two runs incomparable.
 */
public final class ToolEnvironment {
  private ToolEnvironment() {}

  /**
   * Makes the files under {@code dir}; {@code storage} and {@code runroot} become
   * containers-storage's graph and run roots (used by buildah; unused by Strata).
   */
  public static Map<String, String> make(Path dir, Path storage, Path runroot, String driver)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path != null ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null) {
      env.put("JAVA_HOME", javaHome);
    }
    env.putAll(privateSettings(dir, storage, runroot, driver));
    return env;
  }

  /**
   * The variables of {@link #make} but PATH and JAVA_HOME, for a caller that keeps its own (the
   * end-to-end tests give every tool they run these): a home, config, data, cache and runtime dir,
   * auth file, docker config, containers registries/storage/containers.conf and signature policy
   * under {@code dir}, and the C.UTF-8 locale.
   */
  public static Map<String, String> privateSettings(
      Path dir, Path storage, Path runroot, String driver) throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path config = Files.createDirectories(home.resolve(".config"));
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(config.resolve("containers"));
    Files.writeString(
        config.resolve("containers/policy.json"),
        "{\"default\": [{\"type\": \"insecureAcceptAnything\"}]}\n");
    Path auth = Files.writeString(dir.resolve("auth.json"), "{\"auths\": {}}\n");
    Path docker = Files.createDirectories(dir.resolve("docker"));
    Path registries =
        Files.writeString(
            dir.resolve("registries.conf"),
            "# no search registries: a short name never reaches a registry\n"
                + "unqualified-search-registries = []\n");
    Path storageConf =
        Files.writeString(
            dir.resolve("storage.conf"),
            "[storage]\ndriver = \""
                + driver
                + "\"\nrunroot = \""
                + runroot
                + "\"\ngraphroot = \""
                + storage
                + "\"\n");
    Path containers =
        Files.writeString(dir.resolve("containers.conf"), "# defaults: nothing of the user's\n");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", config.toString());
    env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    env.put("XDG_RUNTIME_DIR", run.toString());
    env.put("REGISTRY_AUTH_FILE", auth.toString());
    env.put("DOCKER_CONFIG", docker.toString());
    env.put("CONTAINERS_REGISTRIES_CONF", registries.toString());
    env.put("CONTAINERS_STORAGE_CONF", storageConf.toString());
    env.put("CONTAINERS_CONF", containers.toString());
    env.put("LC_ALL", "C.UTF-8");
    return env;
  }
}
