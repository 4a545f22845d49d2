package dev.webmon.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.webmon.WebmonException;
import dev.webmon.config.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local HTTP server on 127.0.0.1 with endpoints that behave like real sites — healthy, slow,
 * flapping, failing, missing text — so {@code standalone --demo} shows data, charts and DOWN
 * reasons without any internet; and the demo inbox ({@link DemoInbox}), the webhook receiver of the
 * demo's notification channel. Thread-safe.
 */
public final class DemoServer implements AutoCloseable {
  /** A demo endpoint and how it is meant to be monitored. */
  public record Endpoint(String id, String name, String path, String mustMatch, Duration interval) {}

  /** The endpoints registered as targets by {@code --demo}. */
  public static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("demo-healthy", "Demo: healthy shop", "/healthy", "Welcome", Duration.ofSeconds(10)),
          new Endpoint("demo-slow", "Demo: slow API (~0.8 s)", "/slow", "ok", Duration.ofSeconds(15)),
          new Endpoint("demo-flapping", "Demo: flapping service", "/flapping", "ok", Duration.ofSeconds(10)),
          new Endpoint("demo-failing", "Demo: failing backend (HTTP 503)", "/failing", "ok", Duration.ofSeconds(20)),
          new Endpoint("demo-pattern", "Demo: page without the expected text", "/healthy", "Out of stock", Duration.ofSeconds(30)));

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong flaps = new AtomicLong();
  private final DemoInbox inbox;

  private DemoServer(HttpServer server, DemoInbox inbox) {
    this.server = server;
    this.inbox = inbox;
  }

  /** Starts on a free loopback port. */
  public static DemoServer start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new WebmonException("Cannot start the demo server: " + e.getMessage(), e);
    }
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    DemoServer demo = new DemoServer(server, new DemoInbox(new Secret("demo-" + HexFormat.of().formatHex(key)), Clock.systemUTC()));
    server.createContext("/healthy", ex -> demo.reply(ex, 200, "<html><body><h1>Welcome to the demo shop</h1></body></html>"));
    server.createContext("/slow", ex -> {
      sleep(Duration.ofMillis(800));
      demo.reply(ex, 200, "{\"status\":\"ok\"}");
    });
    server.createContext("/flapping", ex -> {
      // Up for three checks, down for two: a visible pattern on the status timeline.
      long n = demo.flaps.getAndIncrement() % 5;
      if (n < 3) {
        demo.reply(ex, 200, "ok");
      } else {
        demo.reply(ex, 500, "internal error");
      }
    });
    server.createContext("/failing", ex -> demo.reply(ex, 503, "service unavailable"));
    server.createContext(DemoInbox.PATH, demo.inbox::handle);
    server.setExecutor(demo.executor);
    server.start();
    return demo;
  }

  /** The URL of an endpoint path on this server. */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The demo webhook receiver's page and address ({@code POST} to it, {@code GET} it in a browser). */
  public URI inboxUrl() {
    return url(DemoInbox.PATH);
  }

  /** The signing secret of the demo's webhook channel, generated at each start. */
  public Secret inboxSecret() {
    return inbox.secret();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/html; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d); // simulates a slow backend; not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
