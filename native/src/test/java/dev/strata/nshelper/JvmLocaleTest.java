package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The caller's LC_ALL is set aside for a JVM of Strata and given back to the caller's commands. */
class JvmLocaleTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "UNSET",
      value = {
        // caller's LC_ALL, what is set aside
        "UNSET,            ''",
        "'',               =",
        "de_DE.ISO-8859-1, =de_DE.ISO-8859-1",
        "C.UTF-8,          =C.UTF-8",
      })
  void setAsideAndGivenBack(String callerLcAll, String setAside) {
    Map<String, String> env = new HashMap<>(Map.of("LANG", "fr_FR", "PATH", "/bin"));
    if (callerLcAll != null) {
      env.put("LC_ALL", callerLcAll);
    }
    Map<String, String> caller = Map.copyOf(env);
    JvmLocale.forStrataJvm(env);
    assertEquals(JvmLocale.UTF8_LOCALE, env.get("LC_ALL"));
    assertEquals(setAside, env.get(JvmLocale.CALLER_LC_ALL));
    JvmLocale.forStrataJvm(env); // a JVM started from a JVM of Strata keeps the caller's record
    assertEquals(setAside, env.get(JvmLocale.CALLER_LC_ALL));
    JvmLocale.forCallerCommand(env);
    assertEquals(caller, env);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "UNSET",
      value = {"UNSET", "POSIX"})
  void withoutARecord_theEnvironmentIsTheCallers(String lcAll) {
    Map<String, String> env = new HashMap<>(Map.of("LANG", "fr_FR"));
    if (lcAll != null) {
      env.put("LC_ALL", lcAll);
    }
    Map<String, String> before = Map.copyOf(env);
    JvmLocale.forCallerCommand(env);
    assertEquals(before, env);
  }
}
