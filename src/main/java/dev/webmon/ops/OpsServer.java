package dev.webmon.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.webmon.WebmonException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of every component, on the JDK's built-in HTTP server (light enough for
 * the agent): {@code GET /metrics} (Prometheus text format), {@code GET /health} (liveness: 200
 * while {@link Health#status()} is UP, else 503) and {@code GET /ready} (readiness: 200 while
 * {@link Health#ready()}, else 503). Both health paths answer the same JSON {@link Health}
 * document. Thread-safe.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final ObjectMapper JSON =
      JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  private final HttpServer server;
  private final ExecutorService executor;
  private final String host;

  private OpsServer(HttpServer server, ExecutorService executor, String host) {
    this.server = server;
    this.executor = executor;
    this.host = host;
  }

  /** Serves one registry; see {@link #start(String, String, int, List, HealthProbe)}. */
  public static OpsServer start(String name, String host, int port, PrometheusMeterRegistry registry, HealthProbe probe) {
    return start(name, host, port, List.of(registry), probe);
  }

  /**
   * Binds {@code host:port} (0 = a free port) and logs "{@code <name>} metrics on http://...".
   *
   * @param registries their scrapes are concatenated, so their meter names must not overlap
   */
  public static OpsServer start(
      String name, String host, int port, List<PrometheusMeterRegistry> registries, HealthProbe probe) {
    Objects.requireNonNull(probe, "probe");
    List<PrometheusMeterRegistry> scraped = List.copyOf(registries);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new WebmonException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, scraped, probe));
    server.start();
    OpsServer ops = new OpsServer(server, executor, host);
    LOG.info("{} metrics on {}/metrics, liveness on /health, readiness on /ready", name, ops.url());
    return ops;
  }

  private static void handle(HttpExchange exchange, List<PrometheusMeterRegistry> registries, HealthProbe probe)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/metrics") && !path.equals("/health") && !path.equals("/ready")) {
      respond(exchange, 404, TEXT, "not found: try /metrics, /health or /ready\n");
      return;
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      respond(exchange, 405, TEXT, "method not allowed\n");
      return;
    }
    try {
      if (path.equals("/metrics")) {
        StringBuilder text = new StringBuilder();
        registries.forEach(r -> text.append(r.scrape()));
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", text.toString());
        return;
      }
      Health health = probe.health();
      boolean ok = path.equals("/health") ? health.status() == Health.Status.UP : health.ready();
      respond(exchange, ok ? 200 : 503, "application/json", json(health));
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", path, e.toString());
      respond(exchange, 500, TEXT, "internal error\n");
    }
  }

  /** The JSON document of a report (what /health and /ready answer). */
  static String json(Health health) {
    try {
      return JSON.writeValueAsString(health);
    } catch (JsonProcessingException e) {
      throw new WebmonException("cannot serialise the health report: " + e.getOriginalMessage(), e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:9464} ({@code localhost} for a wildcard bind). */
  public String url() {
    String h = host;
    if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
      h = "localhost";
    } else if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return "http://" + h + ":" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
