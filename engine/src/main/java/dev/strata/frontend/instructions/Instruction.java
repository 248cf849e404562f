package dev.strata.frontend.instructions;

import dev.strata.frontend.parser.Heredoc;
import dev.strata.frontend.shell.ExpansionException;
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
 *
 * <p>The instructions that make a stage or its filesystem (FROM, RUN, COPY, ADD, ARG) are declared
 * here; those that change only the image config are declared in {@link ConfigInstructions}, which
 * this interface extends so that every one is named {@code Instruction.X} all the same.
 */
public sealed interface Instruction extends ConfigInstructions
    permits Instruction.From,
        Instruction.Run,
        Instruction.Copy,
        Instruction.Add,
        Instruction.Arg,
        ConfigInstructions.Env,
        ConfigInstructions.Label,
        ConfigInstructions.Expose,
        ConfigInstructions.User,
        ConfigInstructions.Workdir,
        ConfigInstructions.Volume,
        ConfigInstructions.Entrypoint,
        ConfigInstructions.Cmd,
        ConfigInstructions.Shell,
        ConfigInstructions.StopSignal,
        ConfigInstructions.Healthcheck,
        ConfigInstructions.Onbuild,
        ConfigInstructions.Maintainer {
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
}
