package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WatchdogTest {
  @Test
  @Timeout(10)
  void aReadWithoutTimeoutIsEndedAtTheDeadline() throws Exception {
    try (Watchdog w = new Watchdog();
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket()) {
      client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      try (Socket accepted = server.accept()) {
        long t0 = System.nanoTime();
        Watchdog.Guard g = w.arm(new Deadline(t0, 200_000_000L));
        g.attach(client);
        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(IOException.class);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(g.fired()).isTrue();
        assertThat(ms).isBetween(190L, 2_000L);
        assertThat(accepted.isClosed()).isFalse();
      }
    }
  }

  @Test
  void aDisarmedGuardNeverFires() throws Exception {
    try (Watchdog w = new Watchdog(); Socket s = new Socket()) {
      Watchdog.Guard g = w.arm(new Deadline(System.nanoTime(), 50_000_000L));
      g.attach(s);
      g.disarm();
      Deadline wait = new Deadline(System.nanoTime(), 150_000_000L);
      org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(120)).atMost(java.time.Duration.ofSeconds(2)).until(() -> !g.fired());
      assertThat(wait.expired()).isTrue();
      assertThat(s.isClosed()).isFalse();
    }
  }
}
