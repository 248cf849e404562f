package dev.strata.frontend.instructions;

import dev.strata.frontend.parser.Heredoc;
import dev.strata.frontend.shell.ExpansionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One typed Dockerfile instruction. Records are immutable; {@link #expand} returns the instruction
 * with its words expanded where Docker expands them (ADD, COPY, ENV, EXPOSE, FROM, LABEL,
 * STOPSIGNAL, USER, VOLUME, WORKDIR and the flags of COPY, ADD and RUN --mount; never the commands
 * of RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK, which the shell expands at run time).
 *
 * <p>{@link #args()} and {@link #flags()} are the canonical form: what {@code strata parse} prints
 * and what a cache key hashes.
 */
public sealed interface Instruction {
  Location location();

  /** The keyword, upper case. */
  String keyword();

  /** The canonical arguments. */
  List<String> args();

  /** The flags given, by name without dashes, sorted; booleans as "true"/"false". */
  default Map<String, List<String>> flags() {
    return Map.of();
  }

  default List<Heredoc> heredocs() {
    return List.of();
  }

  /** This instruction with its words expanded; the same instance when nothing expands. */
  default Instruction expand(Expander e) throws ExpansionException {
    return this;
  }

  /** {@code FROM [--platform=P] image [AS name]}; name is lower-cased, null when absent. */
  record From(Location location, String image, String name, String platform)
      implements Instruction {
    public String keyword() {
      return "FROM";
    }

    public List<String> args() {
      return name == null ? List.of(image) : List.of(image, "AS", name);
    }

    public Map<String, List<String>> flags() {
      return Flags.of("platform", platform);
    }

    public From expand(Expander e) throws ExpansionException {
      String img = e.word(image);
      if (img.isEmpty()) {
        throw new ExpansionException("base name (" + image + ") should not be blank", image);
      }
      String p = platform == null ? null : e.word(platform);
      if (p != null && p.isEmpty()) {
        throw new ExpansionException("empty platform value from expression " + platform, platform);
      }
      return new From(location, img, name, p);
    }
  }

  /**
   * {@code RUN [--mount=...]... [--network=...] [--security=...] command}. With heredocs the
   * shell-form command names them ({@code <<EOF}, {@code python3 <<EOF}); their bodies are in
   * {@link #heredocs()}, in order, for the shell to read (BuildKit runs a command that is only one
   * heredoc as a script).
   */
  record Run(
      Location location,
      Command command,
      List<String> mounts,
      String network,
      String security,
      List<Heredoc> heredocs)
      implements Instruction {
    public Run {
      mounts = List.copyOf(mounts);
      heredocs = List.copyOf(heredocs);
    }

    public String keyword() {
      return "RUN";
    }

    public List<String> args() {
      return command.args();
    }

    public Map<String, List<String>> flags() {
      return Flags.of("mount", mounts, "network", network, "security", security);
    }

    public Run expand(Expander e) throws ExpansionException {
      return new Run(location, command, Flags.expandAll(e, mounts), network, security, heredocs);
    }
  }

  /**
   * {@code COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude]... src... dest}. A
   * source written {@code <<NAME} (quotes kept as written) is an inline file: the heredocs, in the
   * order of those sources, hold the contents; the file is named after the delimiter.
   */
  record Copy(
      Location location,
      List<String> sources,
      String dest,
      String from,
      String chown,
      String chmod,
      boolean link,
      boolean parents,
      List<String> excludes,
      List<Heredoc> heredocs)
      implements Instruction {
    public Copy {
      sources = List.copyOf(sources);
      excludes = List.copyOf(excludes);
      heredocs = List.copyOf(heredocs);
    }

    public String keyword() {
      return "COPY";
    }

    public List<String> args() {
      return Flags.concat(sources, dest);
    }

    public Map<String, List<String>> flags() {
      return Flags.of(
          "from", from, "chown", chown, "chmod", chmod, "link", link, "parents", parents, "exclude",
          excludes);
    }

    public Copy expand(Expander e) throws ExpansionException {
      return new Copy(
          location,
          Flags.expandSources(e, sources, heredocs),
          e.word(dest),
          from == null ? null : e.word(from),
          chown == null ? null : e.word(chown),
          chmod == null ? null : e.word(chmod),
          link,
          parents,
          Flags.expandAll(e, excludes),
          Flags.expandHeredocs(e, heredocs));
    }
  }

  /**
   * {@code ADD [--chown] [--chmod] [--link] [--keep-git-dir] [--checksum] [--exclude]... src...
   * dest}.
   */
  record Add(
      Location location,
      List<String> sources,
      String dest,
      String chown,
      String chmod,
      boolean link,
      boolean keepGitDir,
      String checksum,
      List<String> excludes,
      List<Heredoc> heredocs)
      implements Instruction {
    public Add {
      sources = List.copyOf(sources);
      excludes = List.copyOf(excludes);
      heredocs = List.copyOf(heredocs);
    }

    public String keyword() {
      return "ADD";
    }

    public List<String> args() {
      return Flags.concat(sources, dest);
    }

    public Map<String, List<String>> flags() {
      return Flags.of(
          "chown",
          chown,
          "chmod",
          chmod,
          "link",
          link,
          "keep-git-dir",
          keepGitDir,
          "checksum",
          checksum,
          "exclude",
          excludes);
    }

    public Add expand(Expander e) throws ExpansionException {
      return new Add(
          location,
          Flags.expandSources(e, sources, heredocs),
          e.word(dest),
          chown == null ? null : e.word(chown),
          chmod == null ? null : e.word(chmod),
          link,
          keepGitDir,
          checksum == null ? null : e.word(checksum),
          Flags.expandAll(e, excludes),
          Flags.expandHeredocs(e, heredocs));
    }
  }

  /**
   * {@code ARG name[=default] ...}. As parsed, values are the defaults as written; in a plan's
   * {@code Step}, each value is the one the variable took (build arg, default, global, automatic
   * platform arg) or null when it has none.
   */
  record Arg(Location location, List<KeyValue> declarations) implements Instruction {
    public Arg {
      declarations = List.copyOf(declarations);
    }

    public String keyword() {
      return "ARG";
    }

    public List<String> args() {
      return Flags.strings(declarations);
    }
  }

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
