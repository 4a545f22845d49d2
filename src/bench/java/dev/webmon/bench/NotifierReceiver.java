package dev.webmon.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The notifier bench's webhook receiver on 127.0.0.1 (the JDK's HttpServer): stamps each request
 * with {@link System#nanoTime()} as its handler starts, keeps the first stamp per
 * {@code Idempotency-Key} (the channel suffix cut off), counts repeats, checks the signature, and
 * answers 204. Thread-safe.
 */
final class NotifierReceiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final String channelSuffix;
  private final byte[] secret;
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong badSignatures = new AtomicLong();

  NotifierReceiver(String channelId, String secret) {
    this.channelSuffix = ":" + channelId;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the bench receiver", e);
    }
    server.createContext("/hook", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    long at = System.nanoTime();
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
      if (key != null) {
        String k = key.endsWith(channelSuffix) ? key.substring(0, key.length() - channelSuffix.length()) : key;
        if (firstSeen.putIfAbsent(k, at) != null) {
          duplicates.incrementAndGet();
        }
      }
      String signature = ex.getRequestHeaders().getFirst("X-Webmon-Signature");
      if (signature == null || !MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8), sign(body))) {
        badSignatures.incrementAndGet();
      }
      ex.sendResponseHeaders(204, -1);
    } finally {
      ex.close();
    }
  }

  private byte[] sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port() + "/hook");
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** When the first request with this {@code <incidentId>:<seq>} arrived ({@link System#nanoTime()}). */
  Optional<Long> firstSeen(String key) {
    return Optional.ofNullable(firstSeen.get(key));
  }

  long requests() {
    return requests.get();
  }

  /** Requests whose key had arrived before. */
  long duplicates() {
    return duplicates.get();
  }

  long badSignatures() {
    return badSignatures.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
