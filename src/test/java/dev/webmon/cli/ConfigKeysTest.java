package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.webmon.agent.AgentConfig;
import dev.webmon.alerter.AlerterConfig;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.notifier.NotifierConfig;
import dev.webmon.sink.SinkConfig;
import dev.webmon.web.WebConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every key of the catalog with a constrained value (ports, counts, durations, sizes, booleans,
 * enums, URLs, names, addresses) refuses bad values when its component's config is built at
 * start, from a CLI flag, the environment or the {@code --config} file alike, and the message
 * names the key (and never echoes a secret). A key with no bad value here must be listed in
 * {@link #FREE_TEXT}, so a new constrained key cannot go untested.
 */
class ConfigKeysTest {
  /** The group of {@link Catalog#ALL} and the config its keys are read by. */
  private static final Map<String, Function<Settings, Object>> FROM =
      Map.of(
          "Kafka connection", KafkaConfig::from,
          "Topics", TopicsConfig::from,
          "PostgreSQL", PostgresConfig::from,
          "Agent", AgentConfig::from,
          "Checks", CheckConfig::from,
          "Sink", SinkConfig::from,
          "Alerter", AlerterConfig::from,
          "Notifier", NotifierConfig::from,
          "Web", WebConfig::from);

  /** What every component needs to start at all. */
  private static final Map<String, String> BASE =
      Map.of("agent.location", "eu-west", "web.admin-password", "long enough pw", "web.api-token", "0123456789abcdef0123");

  /** Keys whose value is any text (a secret, a path read only when used, a free name). */
  private static final Set<String> FREE_TEXT =
      Set.of(
          "kafka.ssl.key-password", "kafka.ssl.keystore-password", "kafka.ssl.truststore-password", "kafka.sasl.password",
          "kafka.sasl.username", "postgres.password", "postgres.user");

  /** Bad values of keys whose parser is their own, by key. */
  private static final Map<String, List<String>> CUSTOM =
      Map.ofEntries(
          Map.entry("kafka.bootstrap-servers", List.of(" ")),
          Map.entry("kafka.ssl.ca-file", List.of(" ", "/no/such/ca.pem")),
          Map.entry("kafka.ssl.cert-file", List.of(" ", "/no/such/cert.pem")),
          Map.entry("kafka.ssl.key-file", List.of(" ", "/no/such/key.pem")),
          Map.entry("kafka.ssl.keystore-file", List.of(" ", "/no/such/keystore.p12")),
          Map.entry("kafka.ssl.truststore-file", List.of(" ", "/no/such/truststore.p12")),
          Map.entry("kafka.sasl.password-file", List.of(" ", "/no/such/password")),
          Map.entry("topics.prefix", List.of("", "has space", "a/b")),
          Map.entry("postgres.url", List.of("", "mysql://localhost/db", "not a url")),
          Map.entry("postgres.password-file", List.of(" ", "/no/such/password")),
          Map.entry("postgres.ssl-root-cert", List.of(" ", "/no/such/root.pem")),
          Map.entry("agent.location", List.of("eu.west", "", "l".repeat(65))),
          Map.entry("agent.id", List.of("has space", "")),
          Map.entry("agent.metrics-host", List.of(" ", "not a host!")),
          Map.entry("web.public-url", List.of("", "not a url", "ftp://example.com/", "/relative")),
          Map.entry("check.allowed-networks", List.of("example.com", "10.0.0.0/33", "10.1.2.3/8")),
          Map.entry("check.user-agent", List.of("", "bell\u0007", "é")),
          Map.entry("sink.group-id", List.of("", "has space")),
          Map.entry("sink.instance-id", List.of("", "has space")),
          Map.entry("sink.metrics-host", List.of(" ", "not a host!")),
          Map.entry("alerter.state-dir", List.of(" ")),
          Map.entry("alerter.instance-id", List.of("", "has space")),
          Map.entry("alerter.metrics-host", List.of(" ", "not a host!")),
          Map.entry("notify.admin-channel", List.of("", "Has Space")),
          Map.entry("notify.web-base-url", List.of("", "ftp://example.com/", "not a url", "/relative")),
          Map.entry("notifier.metrics-host", List.of(" ", "not a host!")),
          Map.entry("web.bind-address", List.of("", "not an address!")),
          Map.entry("web.admin-password", List.of("", "abc12", "p".repeat(73))),
          Map.entry("web.api-token", List.of("", "tooshort", "has spaces in the token value")),
          Map.entry("web.trusted-proxies", List.of("proxy.example.com", "10.0.0.0/33")),
          Map.entry("web.metrics-host", List.of(" ", "not a host!")));

  /** Settings a key needs to be read at all (TLS files only matter with TLS). */
  private static Map<String, String> context(String key) {
    Map<String, String> m = new HashMap<>(BASE);
    if (key.startsWith("kafka.ssl.")) {
      m.put("kafka.security-protocol", "SSL");
    } else if (key.startsWith("kafka.sasl.")) {
      m.put("kafka.security-protocol", "SASL_SSL");
      m.put("kafka.sasl.username", "u");
      m.put("kafka.sasl.password", "pw");
    } else if (key.equals("postgres.ssl-root-cert")) {
      m.put("postgres.sslmode", "VERIFY_FULL");
    }
    return m;
  }

  @TempDir Path dir;

  @Test
  void everyComponentStartsFromTheBaseSettings() {
    for (Map.Entry<String, Function<Settings, Object>> e : FROM.entrySet()) {
      assertThat(e.getValue().apply(Settings.of(BASE))).as(e.getKey()).isNotNull();
    }
    assertThat(FROM.keySet()).isEqualTo(Catalog.ALL.byGroup().keySet());
  }

  @Test
  void everyKeyIsCoveredOrKnownToBeFreeText() {
    List<String> uncovered = new ArrayList<>();
    for (ConfigKey<?> key : Catalog.ALL.all()) {
      if (badValues(key).isEmpty() && !FREE_TEXT.contains(key.name())) {
        uncovered.add(key.name() + " (" + key.parser().accepts() + ")");
      }
    }
    assertThat(uncovered).as("keys with no bad value in ConfigKeysTest").isEmpty();
  }

  static Stream<Arguments> badValues() {
    List<Arguments> out = new ArrayList<>();
    Catalog.ALL.byGroup().forEach((group, keys) -> {
      for (ConfigKey<?> key : keys) {
        for (String bad : badValues(key)) {
          for (String source : List.of("flag", "environment", "config file")) {
            out.add(Arguments.of(key.name() + "=" + printable(bad) + " (" + source + ")", group, key, bad, source));
          }
        }
      }
    });
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void aBadValueFailsAtStartNamingTheKey(String name, String group, ConfigKey<?> key, String bad, String source) throws IOException {
    Map<String, String> values = context(key.name());
    values.remove(key.name()); // a flag would win over the environment and the file
    Settings settings =
        switch (source) {
          case "flag" -> {
            values.put(key.name(), bad);
            yield Settings.of(values);
          }
          case "environment" -> Settings.load(Catalog.ALL, values, Map.of(key.envName(), bad), dir);
          default -> {
            Path file = dir.resolve("webmon.properties");
            Files.writeString(file, key.name() + "=" + escape(bad) + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            yield Settings.load(Catalog.ALL, values, Map.of(), file, dir);
          }
        };
    Throwable thrown = catchThrowable(() -> FROM.get(group).apply(settings));
    assertThat(thrown)
        .as(name + " must fail at start")
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key.name())
        .satisfies(e -> {
          if (key.secret() && !bad.isBlank()) {
            assertThat(e.getMessage()).doesNotContain(bad);
          }
        });
  }

  // ---------------------------------------------------------------- bad values by parser

  private static final Pattern FROM_TO = Pattern.compile("from (\\S+) to (\\S+?)(?: bytes)?$");

  /** Values the key must refuse: from what its parser accepts, or {@link #CUSTOM}. */
  static List<String> badValues(ConfigKey<?> key) {
    if (CUSTOM.containsKey(key.name())) {
      return CUSTOM.get(key.name());
    }
    String accepts = key.parser().accepts();
    List<String> bad = new ArrayList<>();
    if (accepts.startsWith("an integer from ")) {
      Matcher m = FROM_TO.matcher(accepts);
      assertThat(m.find()).as(accepts).isTrue();
      long min = Long.parseLong(m.group(1));
      long max = Long.parseLong(m.group(2));
      bad.addAll(List.of("", "abc", "1.5", "1e3", "99999999999999999999", Long.toString(min - 1), Long.toString(max + 1)));
    } else if (accepts.startsWith("a size in bytes")) {
      bad.addAll(List.of("", "abc", "-1", "1.5MiB", "1TiB", "99999999999GiB", "999999999999999999", "1"));
    } else if (accepts.equals("true or false")) {
      bad.addAll(List.of("", "maybe", "2", "enabled"));
    } else if (accepts.startsWith("a duration")) {
      Matcher m = Pattern.compile("from (\\S+) to (\\S+)$").matcher(accepts);
      assertThat(m.find()).as(accepts).isTrue();
      Duration min = (Duration) key.parser().parse(m.group(1));
      Duration max = (Duration) key.parser().parse(m.group(2));
      bad.addAll(List.of("", "abc", "-5s", "5", "5 weeks", "P", "PT99999999999999999999H", max.plusMillis(1).toMillis() + "ms"));
      if (!min.isZero()) {
        bad.add(min.minusMillis(1).toMillis() + "ms");
      }
    } else if (accepts.startsWith("one of ")) {
      bad.addAll(List.of("", "nope"));
    }
    return bad;
  }

  private static String printable(String s) {
    String shown = s.length() > 24 ? s.substring(0, 24) + "..." : s;
    return shown.isEmpty() ? "''" : shown.replace("\u0007", "\\a");
  }

  /** A value as a properties file line holds it. */
  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      b.append(ch < 0x20 || ch > 0x7e ? String.format("\\u%04x", (int) ch) : ch == ' ' && b.isEmpty() ? "\\ " : String.valueOf(ch));
    }
    return b.toString();
  }
}
