package dev.strata.frontend.instructions;

import dev.strata.frontend.parser.Heredoc;
import dev.strata.frontend.shell.ExpansionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link Instruction}s that only change the image config (the solver's ConfigOp applies them;
 * nothing runs and no layer is made): ENV, LABEL, EXPOSE, USER, WORKDIR, VOLUME, ENTRYPOINT, CMD,
 * SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD and MAINTAINER. Declared apart to keep each file to one
 * kind of instruction; {@link Instruction} extends this interface, so they are named {@code
 * Instruction.Env} and so on, and nothing implements it directly.
 */
interface ConfigInstructions {
  /** {@code ENV k=v ...} or {@code ENV k v}. */
  record Env(Location location, List<KeyValue> vars) implements Instruction {
    public Env {
      vars = List.copyOf(vars);
    }

    public String keyword() {
      return "ENV";
    }

    public List<String> args() {
      return Flags.strings(vars);
    }

    public Env expand(Expander e) throws ExpansionException {
      return new Env(location, Flags.expandPairs(e, vars));
    }
  }

  /** {@code LABEL k=v ...}. */
  record Label(Location location, List<KeyValue> labels) implements Instruction {
    public Label {
      labels = List.copyOf(labels);
    }

    public String keyword() {
      return "LABEL";
    }

    public List<String> args() {
      return Flags.strings(labels);
    }

    public Label expand(Expander e) throws ExpansionException {
      return new Label(location, Flags.expandPairs(e, labels));
    }
  }

  /** {@code EXPOSE port[/proto] ...}. */
  record Expose(Location location, List<String> ports) implements Instruction {
    public Expose {
      ports = List.copyOf(ports);
    }

    public String keyword() {
      return "EXPOSE";
    }

    public List<String> args() {
      return ports;
    }

    public Expose expand(Expander e) throws ExpansionException {
      List<String> out = new ArrayList<>();
      for (String p : ports) {
        out.addAll(e.words(p));
      }
      return new Expose(location, out);
    }
  }

  /** {@code USER user[:group]}. */
  record User(Location location, String user) implements Instruction {
    public String keyword() {
      return "USER";
    }

    public List<String> args() {
      return List.of(user);
    }

    public User expand(Expander e) throws ExpansionException {
      return new User(location, e.word(user));
    }
  }

  /** {@code WORKDIR path}. */
  record Workdir(Location location, String path) implements Instruction {
    public String keyword() {
      return "WORKDIR";
    }

    public List<String> args() {
      return List.of(path);
    }

    public Workdir expand(Expander e) throws ExpansionException {
      return new Workdir(location, e.word(path));
    }
  }

  /** {@code VOLUME path ...} or a JSON array. */
  record Volume(Location location, List<String> paths) implements Instruction {
    public Volume {
      paths = List.copyOf(paths);
    }

    public String keyword() {
      return "VOLUME";
    }

    public List<String> args() {
      return paths;
    }

    public Volume expand(Expander e) throws ExpansionException {
      List<String> out = Flags.expandAll(e, paths);
      for (String p : out) {
        if (p.isBlank()) {
          throw new ExpansionException("VOLUME specified can not be an empty string");
        }
      }
      return new Volume(location, out);
    }
  }

  /** {@code ENTRYPOINT} in exec or shell form. */
  record Entrypoint(Location location, Command command) implements Instruction {
    public String keyword() {
      return "ENTRYPOINT";
    }

    public List<String> args() {
      return command.args();
    }
  }

  /** {@code CMD} in exec or shell form. */
  record Cmd(Location location, Command command) implements Instruction {
    public String keyword() {
      return "CMD";
    }

    public List<String> args() {
      return command.args();
    }
  }

  /** {@code SHELL ["executable", "parameters"]}: JSON form only. */
  record Shell(Location location, List<String> shell) implements Instruction {
    public Shell {
      shell = List.copyOf(shell);
    }

    public String keyword() {
      return "SHELL";
    }

    public List<String> args() {
      return shell;
    }
  }

  /** {@code STOPSIGNAL signal}. */
  record StopSignal(Location location, String signal) implements Instruction {
    public String keyword() {
      return "STOPSIGNAL";
    }

    public List<String> args() {
      return List.of(signal);
    }

    public StopSignal expand(Expander e) throws ExpansionException {
      return new StopSignal(location, e.word(signal));
    }
  }

  /**
   * {@code HEALTHCHECK NONE} (command null) or {@code HEALTHCHECK [options] CMD command}; durations
   * as written ({@code 30s}), null when not given.
   */
  record Healthcheck(
      Location location,
      Command command,
      String interval,
      String timeout,
      String startPeriod,
      String startInterval,
      Integer retries)
      implements Instruction {
    public String keyword() {
      return "HEALTHCHECK";
    }

    public List<String> args() {
      return command == null ? List.of("NONE") : Flags.concat(List.of("CMD"), command.args());
    }

    public Map<String, List<String>> flags() {
      return Flags.of(
          "interval",
          interval,
          "timeout",
          timeout,
          "start-period",
          startPeriod,
          "start-interval",
          startInterval,
          "retries",
          retries == null ? null : retries.toString());
    }
  }

  /**
   * {@code ONBUILD instruction}: kept as text, run when the image is used as a base. A trigger with
   * heredocs carries their bodies and delimiter lines after it, so the text stands alone.
   */
  record Onbuild(Location location, String trigger, List<Heredoc> heredocs) implements Instruction {
    public Onbuild {
      heredocs = List.copyOf(heredocs);
    }

    public String keyword() {
      return "ONBUILD";
    }

    public List<String> args() {
      return List.of(trigger);
    }
  }

  /** {@code MAINTAINER name} (deprecated; becomes the image's author). */
  record Maintainer(Location location, String name) implements Instruction {
    public String keyword() {
      return "MAINTAINER";
    }

    public List<String> args() {
      return List.of(name);
    }
  }
}
