package dev.webmon.cli;

import dev.webmon.WebmonException;
import dev.webmon.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code webmon} command line. The only place that calls {@code System.exit}. */
@Command(
    name = "webmon",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Distributed website-availability monitor: agents check URLs, Kafka carries the results, a sink writes them exactly once to PostgreSQL, a web app shows them.",
    subcommands = {
      InitCommand.class,
      AgentCommand.class,
      SinkCommand.class,
      AlerterCommand.class,
      WebCommand.class,
      StandaloneCommand.class,
      BenchCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the command failed (e.g. Kafka or PostgreSQL unreachable); the message says why",
      "2:invalid usage or configuration; the message names the flag or key",
      "3:not built yet"
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_NOT_BUILT = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, with every config key registered as a flag. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    ConfigOptions.registerAll(cli);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e instanceof ConfigException) {
            err.println("webmon: configuration error: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
          }
          if (e instanceof WebmonException) {
            err.println("webmon: " + e.getMessage());
            err.flush();
            return EXIT_FAILED;
          }
          throw e;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
