package dev.webmon.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration key: its kebab-case name, default, meaning and parser. Keys are declared as
 * constants next to the config record that reads them; {@link KeyCatalog} lists them all for
 * the CLI and for docs/configuration.md.
 *
 * @param name kebab-case dotted name, e.g. {@code kafka.bootstrap-servers}
 * @param defaultValue the default in its textual form, empty when the key is optional
 * @param description one sentence for the docs and --help
 * @param parser turns the text into the typed value
 * @param secret a secret value is never echoed in errors, logs or help
 */
public record ConfigKey<T>(
    String name, Optional<String> defaultValue, String description, Parser<T> parser, boolean secret) {

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parser, "parser");
    if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)+")) {
      throw new IllegalArgumentException("config key must be dotted kebab-case: " + name);
    }
  }

  public static <T> ConfigKey<T> of(String name, String defaultValue, String description, Parser<T> parser) {
    return new ConfigKey<>(name, Optional.of(defaultValue), description, parser, false);
  }

  public static <T> ConfigKey<T> optional(String name, String description, Parser<T> parser) {
    return new ConfigKey<>(name, Optional.empty(), description, parser, false);
  }

  public static ConfigKey<Secret> secret(String name, String description) {
    return new ConfigKey<>(name, Optional.empty(), description, Parser.secret(), true);
  }

  /** The environment variable that sets this key: {@code WEBMON_} + upper case, '.'/'-' to '_'. */
  public String envName() {
    return envName(name);
  }

  /** The CLI flag that sets this key: {@code --} + the name with '.' turned into '-'. */
  public String flag() {
    return "--" + name.replace('.', '-');
  }

  static String envName(String key) {
    return "WEBMON_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
