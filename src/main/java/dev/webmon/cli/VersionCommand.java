package dev.webmon.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon version}. */
@Command(name = "version", description = "Print the webmon version.", mixinStandardHelpOptions = true)
final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static String version() {
    return Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("dev");
  }

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("webmon " + version() + " (Java " + Runtime.version() + ")");
    return Main.EXIT_OK;
  }

  /** For {@code webmon --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"webmon " + version()};
    }
  }
}
