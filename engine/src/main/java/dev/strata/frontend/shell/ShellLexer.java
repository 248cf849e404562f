package dev.strata.frontend.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Docker's shell lexer: expands {@code $VAR} and {@code ${VAR...}} and removes quotes and escapes,
 * optionally splitting the result into words. It follows BuildKit's {@code
 * frontend/dockerfile/shell} lexer, including its deviations from POSIX sh (no command
 * substitution, no {@code ~}, a backslash inside double quotes only escapes {@code " $} and the
 * escape token).
 *
 * <p>Instances are immutable and thread-safe; options return new lexers.
 */
public final class ShellLexer {
  /**
   * How deep {@code ${...}} may nest. The lexer descends one level per brace, as BuildKit's does;
   * Go's stacks grow, Java's do not, so without a limit a word nested 20,000 deep ends the JVM with
   * a StackOverflowError instead of naming the word. No real Dockerfile nests past a few.
   */
  public static final int MAX_NESTING = 100;

  /** Looks a variable up; returns null when the variable is unset. */
  @FunctionalInterface
  public interface Env {
    String get(String name);

    static Env of(Map<String, String> map) {
      return map::get;
    }

    static Env empty() {
      return name -> null;
    }
  }

  private final char escape;
  private final boolean rawQuotes;
  private final boolean rawEscapes;
  private final boolean skipProcessQuotes;
  private final boolean skipUnsetEnv;

  private ShellLexer(
      char escape, boolean rawQuotes, boolean rawEscapes, boolean skipQuotes, boolean skipUnset) {
    this.escape = escape;
    this.rawQuotes = rawQuotes;
    this.rawEscapes = rawEscapes;
    this.skipProcessQuotes = skipQuotes;
    this.skipUnsetEnv = skipUnset;
  }

  /** A lexer using {@code escape} ({@code \} or {@code `}) as its escape token. */
  public static ShellLexer withEscape(char escape) {
    return new ShellLexer(escape, false, false, false, false);
  }

  /** Keep quote characters in the result (still honouring their meaning). */
  public ShellLexer rawQuotes(boolean on) {
    return new ShellLexer(escape, on, rawEscapes, skipProcessQuotes, skipUnsetEnv);
  }

  /** Keep escape characters in the result. */
  public ShellLexer rawEscapes(boolean on) {
    return new ShellLexer(escape, rawQuotes, on, skipProcessQuotes, skipUnsetEnv);
  }

  /** Treat quotes as ordinary characters (heredoc bodies). */
  public ShellLexer skipProcessQuotes(boolean on) {
    return new ShellLexer(escape, rawQuotes, rawEscapes, on, skipUnsetEnv);
  }

  /** Leave references to unset variables as written instead of expanding them to "". */
  public ShellLexer skipUnsetEnv(boolean on) {
    return new ShellLexer(escape, rawQuotes, rawEscapes, skipProcessQuotes, on);
  }

  public char escape() {
    return escape;
  }

  /** Expands one word; whitespace is kept. */
  public String processWord(String word, Env env) throws ExpansionException {
    return run(word, env).word;
  }

  /** Expands and splits into words on unquoted whitespace (after expansion, as Docker does). */
  public List<String> processWords(String word, Env env) throws ExpansionException {
    return run(word, env).words;
  }

  /** Same as {@link #processWord}, with the names of variables that were looked up. */
  public Result process(String word, Env env) throws ExpansionException {
    return run(word, env);
  }

  /** The expanded word, the split words and the variables referenced (set or not). */
  public record Result(String word, List<String> words, List<String> used) {}

  private Result run(String source, Env env) throws ExpansionException {
    Scan s = new Scan(source, env);
    try {
      Result r = s.processStopOn(-1, rawEscapes);
      return new Result(r.word, List.copyOf(r.words), List.copyOf(s.used));
    } catch (ExpansionException e) {
      throw new ExpansionException(
          "failed to process \"" + clip(source) + "\": " + e.getMessage(), source);
    }
  }

  /** A word as an error quotes it: a long one is cut, so the message stays one readable line. */
  static String clip(String word) {
    int max = 80;
    return word.length() <= max
        ? word
        : word.substring(0, max) + "... (" + word.length() + " characters)";
  }

  /** One expansion in progress: a cursor over the source, like Go's text/scanner. */
  private final class Scan {
    private final String src;
    private final Env env;
    private final List<String> used = new ArrayList<>();
    private int pos;
    private int depth;
    private boolean escapesRaw = rawEscapes;

    Scan(String src, Env env) {
      this.src = src;
      this.env = env;
    }

    int peek() {
      return pos < src.length() ? src.charAt(pos) : -1;
    }

    int next() {
      return pos < src.length() ? src.charAt(pos++) : -1;
    }

    Result processStopOn(int stop, boolean raw) throws ExpansionException {
      boolean saved = escapesRaw;
      escapesRaw = raw;
      try {
        return stopOn(stop);
      } finally {
        escapesRaw = saved;
      }
    }

    private Result stopOn(int stop) throws ExpansionException {
      StringBuilder result = new StringBuilder();
      Words words = new Words();
      while (peek() != -1) {
        int ch = peek();
        if (stop != -1 && ch == stop) {
          next();
          return new Result(result.toString(), words.get(), List.of());
        }
        if (ch == '$') {
          String tmp = processDollar();
          result.append(tmp);
          words.addString(tmp);
        } else if (!skipProcessQuotes && (ch == '\'' || ch == '"')) {
          String tmp = ch == '\'' ? processSingleQuote() : processDoubleQuote();
          result.append(tmp);
          words.addRaw(tmp);
        } else {
          ch = next();
          if (ch == escape) {
            if (escapesRaw) {
              words.addRawChar((char) ch);
              result.append((char) ch);
            }
            ch = next();
            if (ch == -1) {
              break;
            }
            words.addRawChar((char) ch);
          } else {
            words.addChar((char) ch);
          }
          result.append((char) ch);
        }
      }
      if (stop != -1) {
        throw new ExpansionException(
            "unexpected end of statement while looking for matching " + (char) stop);
      }
      return new Result(result.toString(), words.get(), List.of());
    }

    private String processSingleQuote() throws ExpansionException {
      // sh(1): single quotes preserve everything; a single quote cannot be escaped inside.
      StringBuilder r = new StringBuilder();
      int ch = next();
      if (rawQuotes) {
        r.append((char) ch);
      }
      while (true) {
        ch = next();
        if (ch == -1) {
          throw new ExpansionException(
              "unexpected end of statement while looking for matching single-quote");
        }
        if (ch == '\'') {
          if (rawQuotes) {
            r.append('\'');
          }
          return r.toString();
        }
        r.append((char) ch);
      }
    }

    private String processDoubleQuote() throws ExpansionException {
      // sh(1): inside double quotes, $ expands and the escape only quotes " $ and itself.
      StringBuilder r = new StringBuilder();
      int ch = next();
      if (rawQuotes) {
        r.append((char) ch);
      }
      while (true) {
        int p = peek();
        if (p == -1) {
          throw new ExpansionException(
              "unexpected end of statement while looking for matching double-quote");
        }
        if (p == '"') {
          next();
          if (rawQuotes) {
            r.append('"');
          }
          return r.toString();
        }
        if (p == '$') {
          r.append(processDollar());
          continue;
        }
        ch = next();
        if (ch == escape) {
          if (escapesRaw) {
            r.append((char) ch);
          }
          int q = peek();
          if (q == -1) {
            continue; // an escape at the very end is dropped
          }
          if (q == '"' || q == '$' || q == escape) {
            ch = next();
          }
        }
        r.append((char) ch);
      }
    }

    private String processDollar() throws ExpansionException {
      next();
      if (peek() != '{') {
        String name = processName();
        if (name.isEmpty()) {
          return "$";
        }
        String v = lookup(name);
        if (v == null && skipUnsetEnv) {
          return "$" + name;
        }
        return v == null ? "" : v;
      }
      next();
      if (depth == MAX_NESTING) {
        throw new ExpansionException(
            "${...} nested more than " + MAX_NESTING + " deep at character " + pos);
      }
      depth++;
      try {
        return braced();
      } finally {
        depth--;
      }
    }

    /** {@code ${NAME...}} after the brace. */
    private String braced() throws ExpansionException {
      int p = peek();
      if (p == -1) {
        throw new ExpansionException("syntax error: missing '}'");
      }
      if (p == '{' || p == '}' || p == ':') {
        throw new ExpansionException("syntax error: bad substitution");
      }
      String name = processName();
      int ch = next();
      if (ch == -1) {
        throw new ExpansionException("syntax error: missing '}'");
      }
      String chs = String.valueOf((char) ch);
      boolean nullIsUnset = false;
      switch (ch) {
        case '}':
          {
            String v = lookup(name);
            if (v == null && skipUnsetEnv) {
              return "${" + name + "}";
            }
            return v == null ? "" : v;
          }
        case ':':
          nullIsUnset = true;
          ch = next();
          chs += ch == -1 ? "" : String.valueOf((char) ch);
          return modifier(name, ch, chs, nullIsUnset);
        case '+':
        case '-':
        case '?':
        case '#':
        case '%':
          return modifier(name, ch, chs, false);
        case '/':
          return replace(name);
        default:
          throw new ExpansionException("unsupported modifier (" + chs + ") in substitution");
      }
    }

    private String modifier(String name, int ch, String chs, boolean nullIsUnset)
        throws ExpansionException {
      if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
        // ${a:x}: consume the word first, as Docker does, then refuse the modifier.
        wordUntilBrace(false);
        throw new ExpansionException("unsupported modifier (" + chs + ") in substitution");
      }
      String word = wordUntilBrace(ch == '#' || ch == '%');
      String value = lookup(name);
      boolean set = value != null;
      if (!set && skipUnsetEnv) {
        return "${" + name + chs + word + "}";
      }
      String v = set ? value : "";
      switch (ch) {
        case '-':
          return !set || (nullIsUnset && v.isEmpty()) ? word : v;
        case '+':
          return !set || (nullIsUnset && v.isEmpty()) ? "" : word;
        case '?':
          if (!set) {
            throw new ExpansionException(
                name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
          }
          if (nullIsUnset && v.isEmpty()) {
            throw new ExpansionException(
                name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
          }
          return v;
        default:
          {
            // # and % take the shortest match, ## and %% the longest.
            boolean greedy = !word.isEmpty() && word.charAt(0) == ch;
            if (greedy) {
              word = word.substring(1);
            }
            return ch == '%'
                ? ShellPattern.trimSuffix(word, v, greedy)
                : ShellPattern.trimPrefix(word, v, greedy);
          }
      }
    }

    private String wordUntilBrace(boolean raw) throws ExpansionException {
      try {
        return processStopOn('}', raw).word;
      } catch (ExpansionException e) {
        if (peek() == -1) {
          throw new ExpansionException("syntax error: missing '}'");
        }
        throw e;
      }
    }

    private String replace(String name) throws ExpansionException {
      boolean all = peek() == '/';
      if (all) {
        next();
      }
      String pattern;
      try {
        pattern = processStopOn('/', true).word;
      } catch (ExpansionException e) {
        if (peek() == -1) {
          throw new ExpansionException("syntax error: missing '/' in ${}");
        }
        throw e;
      }
      String replacement = wordUntilBrace(true);
      String value = lookup(name);
      if (value == null && skipUnsetEnv) {
        return "${" + name + "/" + pattern + "/" + replacement + "}";
      }
      return ShellPattern.replace(value == null ? "" : value, pattern, replacement, all);
    }

    private String processName() {
      // A name is letters, digits and _; a leading digit reads digits only ($1), and a
      // special parameter ($@ $* $# $? $- $$ $! $0) is one character.
      StringBuilder name = new StringBuilder();
      while (peek() != -1) {
        char ch = (char) peek();
        if (name.length() == 0 && Character.isDigit(ch)) {
          while (peek() != -1 && Character.isDigit((char) peek())) {
            name.append((char) next());
          }
          return name.toString();
        }
        if (name.length() == 0 && "@*#?-$!0".indexOf(ch) >= 0) {
          next();
          return String.valueOf(ch);
        }
        if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
          break;
        }
        name.append((char) next());
      }
      return name.toString();
    }

    private String lookup(String name) {
      used.add(name);
      return env.get(name);
    }
  }

  /** Go's unicode.IsSpace. */
  static boolean isSpace(char c) {
    switch (c) {
      case '\t':
      case '\n':
      case 0x0B:
      case '\f':
      case '\r':
      case ' ':
      case 0x85:
      case 0xA0:
        return true;
      default:
        return c > 0xFF && Character.isSpaceChar(c);
    }
  }

  /** Word accumulation: expanded text splits on whitespace, quoted text never does. */
  private static final class Words {
    private final List<String> words = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;

    void addChar(char ch) {
      if (isSpace(ch)) {
        if (inWord && word.length() != 0) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        addRawChar(ch);
      }
    }

    void addRawChar(char ch) {
      word.append(ch);
      inWord = true;
    }

    void addString(String s) {
      for (int i = 0; i < s.length(); i++) {
        addChar(s.charAt(i));
      }
    }

    void addRaw(String s) {
      word.append(s);
      inWord = true;
    }

    List<String> get() {
      if (word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
        inWord = false;
      }
      return words;
    }
  }
}
