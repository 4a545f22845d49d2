package dev.webmon.cli;

import dev.webmon.config.ConfigKey;
import dev.webmon.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Registers each config key a command reads as a CLI flag ({@code kafka.bootstrap-servers} →
 * {@code --kafka-bootstrap-servers}), so every key can be given on the command line and shows in
 * {@code --help}, and turns the parsed flags into {@link Settings}.
 */
final class ConfigOptions {
  private ConfigOptions() {}

  /** A command whose config keys become flags. */
  interface Configurable {
    List<ConfigKey<?>> configKeys();
  }

  /** The keys of several groups, in their order: what a command's {@link Configurable#configKeys()} returns. */
  @SafeVarargs
  static List<ConfigKey<?>> keys(List<? extends ConfigKey<?>>... groups) {
    List<ConfigKey<?>> keys = new ArrayList<>();
    for (List<? extends ConfigKey<?>> group : groups) {
      keys.addAll(group);
    }
    return keys;
  }

  static void registerAll(CommandLine root) {
    for (CommandLine sub : root.getSubcommands().values()) {
      if (sub.getCommand() instanceof Configurable configurable) {
        register(sub.getCommandSpec(), configurable.configKeys());
      }
      registerAll(sub);
    }
  }

  private static void register(CommandSpec spec, List<ConfigKey<?>> keys) {
    spec.addOption(
        OptionSpec.builder("--config")
            .paramLabel("FILE")
            .type(Path.class)
            .description("Properties file with config keys (e.g. kafka.bootstrap-servers=...).")
            .build());
    for (ConfigKey<?> key : keys) {
      String description =
          key.description()
              + " Env "
              + key.envName()
              + "."
              + (key.secret() || key.defaultValue().isEmpty()
                  ? ""
                  : " Default: " + key.defaultValue().get() + ".");
      spec.addOption(
          OptionSpec.builder(key.flag())
              .paramLabel(key.secret() ? "SECRET" : "VALUE")
              .type(String.class)
              .description(description)
              .hidden(false)
              .build());
    }
  }

  /** The settings of a command: its parsed flags over the environment, file, .env and defaults. */
  static Settings settings(CommandSpec spec, List<ConfigKey<?>> keys) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    Map<String, String> flags = new HashMap<>();
    for (ConfigKey<?> key : keys) {
      if (parsed != null && parsed.hasMatchedOption(key.flag())) {
        flags.put(key.name(), parsed.matchedOptionValue(key.flag(), ""));
      }
    }
    Path workingDir = Path.of("").toAbsolutePath();
    if (parsed != null && parsed.hasMatchedOption("--config")) {
      Path configFile = parsed.<Path>matchedOptionValue("--config", null);
      return Settings.load(Catalog.ALL, flags, System.getenv(), configFile, workingDir);
    }
    return Settings.load(Catalog.ALL, flags, System.getenv(), workingDir);
  }
}
