package dev.webmon.infra;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A stand-in for a webmon process in {@link OrphanIT}: starts a broker and PostgreSQL on the given
 * directories, reports the broker's pid on stdout and waits to be killed.
 */
final class ParentProcessMain {
  private ParentProcessMain() {}

  @SuppressWarnings("resource") // killed with everything it holds
  public static void main(String[] args) throws IOException {
    EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Path.of(args[0])).start();
    EmbeddedPostgres.builder().dataDir(Path.of(args[1])).start();
    System.out.println("READY broker-pid=" + kafka.pid(1));
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for kill -9 (or EOF when the test JVM ends)
    }
  }
}
