package dev.webmon.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The raw configuration, layered by precedence: CLI flag &gt; environment ({@code WEBMON_…}) &gt;
 * {@code --config FILE} &gt; {@code .env} in the working directory &gt; the key's default. Typed
 * values come from {@link #get(ConfigKey)}, which names the key and the source of a bad value.
 * Immutable and thread-safe.
 */
public final class Settings {
  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final Map<String, String> file;
  private final Map<String, String> dotEnv;
  private final String fileName;

  private Settings(
      Map<String, String> flags,
      Map<String, String> env,
      Map<String, String> file,
      String fileName,
      Map<String, String> dotEnv) {
    this.flags = Map.copyOf(flags);
    this.env = Map.copyOf(env);
    this.file = Map.copyOf(file);
    this.fileName = fileName;
    this.dotEnv = Map.copyOf(dotEnv);
  }

  /** Only explicit values (tests, embedded wiring): treated as CLI flags. */
  public static Settings of(Map<String, String> values) {
    return new Settings(values, Map.of(), Map.of(), "", Map.of());
  }

  /**
   * Loads the layers for a process that was given no {@code --config} file.
   *
   * @param catalog every key the process knows (environment names are mapped back through it)
   * @param flags values given as CLI flags, by key name
   * @param environment the process environment
   * @param workingDir where to look for {@code .env}
   */
  public static Settings load(
      KeyCatalog catalog, Map<String, String> flags, Map<String, String> environment, Path workingDir) {
    return load(catalog, flags, environment, Map.of(), "", workingDir);
  }

  /** As {@link #load(KeyCatalog, Map, Map, Path)}, with the {@code --config} file's keys under the environment. */
  public static Settings load(
      KeyCatalog catalog,
      Map<String, String> flags,
      Map<String, String> environment,
      Path configFile,
      Path workingDir) {
    Map<String, String> file = readProperties(configFile, "--config file " + configFile);
    rejectUnknownKeys(catalog, file, "config file " + configFile);
    if (file.keySet().stream().anyMatch(name -> catalog.byName(name).orElseThrow().secret())) {
      // Like .env: a file holding a password or token must be its owner's only.
      SecretFiles.requirePrivate(configFile, "--config");
    }
    return load(catalog, flags, environment, file, configFile.toString(), workingDir);
  }

  private static Settings load(
      KeyCatalog catalog,
      Map<String, String> flags,
      Map<String, String> environment,
      Map<String, String> file,
      String fileName,
      Path workingDir) {
    Map<String, String> env = fromEnvironment(catalog, environment);
    Path dotEnvPath = workingDir.resolve(".env");
    Map<String, String> dotEnv = Map.of();
    if (Files.isRegularFile(dotEnvPath)) {
      SecretFiles.requirePrivate(dotEnvPath, ".env");
      dotEnv = fromEnvironment(catalog, readProperties(dotEnvPath, ".env file " + dotEnvPath));
    }
    return new Settings(flags, env, file, fileName, dotEnv);
  }

  /** A copy with more flag values on top (used by standalone to wire embedded services). */
  public Settings withOverrides(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(flags);
    merged.putAll(overrides);
    return new Settings(merged, env, file, fileName, dotEnv);
  }

  /** A copy where the given values apply only when nothing else sets the key. */
  public Settings withDefaults(Map<String, String> defaults) {
    Map<String, String> merged = new HashMap<>(defaults);
    merged.putAll(dotEnv);
    return new Settings(flags, env, file, fileName, merged);
  }

  /** The typed value of a key with a default, or of a required key. */
  public <T> T get(ConfigKey<T> key) {
    return find(key)
        .orElseThrow(
            () ->
                new ConfigException(
                    "Missing required setting '"
                        + key.name()
                        + "': set "
                        + key.flag()
                        + ", environment "
                        + key.envName()
                        + ", or '"
                        + key.name()
                        + "' in the --config file. "
                        + key.description()));
  }

  /** The typed value of a key, empty when neither set nor defaulted. */
  public <T> Optional<T> find(ConfigKey<T> key) {
    Optional<Sourced> raw = raw(key);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Sourced sourced = raw.get();
    try {
      return Optional.of(key.parser().parse(sourced.value()));
    } catch (IllegalArgumentException | ArithmeticException e) {
      String shown = key.secret() ? "" : " '" + sourced.value() + "'";
      String accepts = key.parser().accepts().isEmpty() ? "" : " Accepted: " + key.parser().accepts() + ".";
      throw new ConfigException(
          "Invalid value"
              + shown
              + " for '"
              + key.name()
              + "' (from "
              + sourced.source()
              + "): "
              + e.getMessage()
              + "."
              + accepts);
    }
  }

  /** Whether the key was set explicitly in any layer (defaults do not count). */
  public boolean isSet(ConfigKey<?> key) {
    return flags.containsKey(key.name())
        || env.containsKey(key.name())
        || file.containsKey(key.name())
        || dotEnv.containsKey(key.name());
  }

  private Optional<Sourced> raw(ConfigKey<?> key) {
    String name = key.name();
    if (flags.containsKey(name)) {
      return Optional.of(new Sourced(flags.get(name), "flag " + key.flag()));
    }
    if (env.containsKey(name)) {
      return Optional.of(new Sourced(env.get(name), "environment " + key.envName()));
    }
    if (file.containsKey(name)) {
      return Optional.of(new Sourced(file.get(name), "config file " + fileName));
    }
    if (dotEnv.containsKey(name)) {
      return Optional.of(new Sourced(dotEnv.get(name), ".env"));
    }
    return key.defaultValue().map(v -> new Sourced(v, "default"));
  }

  private record Sourced(String value, String source) {}

  /** Maps {@code WEBMON_KAFKA_BOOTSTRAP_SERVERS} back to {@code kafka.bootstrap-servers}. */
  private static Map<String, String> fromEnvironment(KeyCatalog catalog, Map<String, String> environment) {
    Map<String, String> byEnvName = new HashMap<>();
    for (ConfigKey<?> key : catalog.all()) {
      byEnvName.put(key.envName(), key.name());
    }
    Map<String, String> out = new LinkedHashMap<>();
    environment.forEach(
        (name, value) -> {
          String key = byEnvName.get(name);
          if (key != null) {
            out.put(key, value);
          } else if (catalog.byName(name).isPresent()) {
            out.put(name, value); // .env may also use the dotted key names
          }
        });
    return out;
  }

  private static void rejectUnknownKeys(KeyCatalog catalog, Map<String, String> values, String where) {
    Set<String> unknown = new TreeSet<>();
    for (String name : values.keySet()) {
      if (catalog.byName(name).isEmpty()) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          "Unknown setting(s) " + unknown + " in " + where + "; see docs/configuration.md for the keys.");
    }
  }

  private static Map<String, String> readProperties(Path path, String what) {
    if (!Files.isReadable(path)) {
      throw new ConfigException("Cannot read " + what + ": no such readable file.");
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("Cannot read " + what + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : props.stringPropertyNames()) {
      out.put(name.strip(), unquote(props.getProperty(name).strip()));
    }
    return out;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && ((value.startsWith("\"") && value.endsWith("\""))
            || (value.startsWith("'") && value.endsWith("'")))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
