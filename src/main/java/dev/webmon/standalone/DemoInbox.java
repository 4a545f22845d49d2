package dev.webmon.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.webmon.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's webhook receiver, on the demo server (so only with {@code --demo}, on 127.0.0.1, on
 * the one loopback port the demo allow-lists): {@code POST /inbox} keeps the request, {@code GET
 * /inbox} is a page listing the last {@link #KEPT} received, newest first — time, the webhook
 * headers (Idempotency-Key, X-Webmon-Signature and whether it verifies with the channel's secret),
 * and the body pretty-printed, all HTML-escaped. Kept in memory only. Thread-safe.
 */
final class DemoInbox {
  static final String PATH = "/inbox";
  static final int KEPT = 50;
  private static final int MAX_BODY = 256 * 1024;
  private static final List<String> SHOWN_HEADERS =
      List.of("Idempotency-Key", "X-Webmon-Signature", "Content-Type", "User-Agent");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A received request; headers as {@code name: value} lines. */
  record Received(Instant at, List<String> headers, boolean signatureValid, String body) {}

  private final Secret secret;
  private final Clock clock;
  private final Deque<Received> received = new ArrayDeque<>();

  DemoInbox(Secret secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** The HMAC key the demo channel signs with. */
  Secret secret() {
    return secret;
  }

  void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestURI().getPath().equals(PATH)) {
        send(ex, 404, "text/plain; charset=utf-8", "not found");
      } else if (ex.getRequestMethod().equals("POST")) {
        Optional<byte[]> body = readBounded(ex.getRequestBody());
        if (body.isEmpty()) {
          send(ex, 413, "text/plain; charset=utf-8", "body over " + MAX_BODY + " bytes");
          return;
        }
        keep(ex, body.get());
        ex.sendResponseHeaders(204, -1);
      } else if (ex.getRequestMethod().equals("GET")) {
        send(ex, 200, "text/html; charset=utf-8", page());
      } else {
        ex.getResponseHeaders().set("Allow", "GET, POST");
        send(ex, 405, "text/plain; charset=utf-8", "method not allowed");
      }
    }
  }

  private void keep(HttpExchange ex, byte[] body) {
    List<String> headers = new ArrayList<>();
    for (String name : SHOWN_HEADERS) {
      String value = ex.getRequestHeaders().getFirst(name);
      if (value != null) {
        headers.add(name + ": " + value);
      }
    }
    String signature = ex.getRequestHeaders().getFirst("X-Webmon-Signature");
    boolean valid =
        signature != null && MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8), sign(body));
    Received r = new Received(clock.instant(), headers, valid, pretty(body));
    synchronized (received) {
      received.addFirst(r);
      while (received.size() > KEPT) {
        received.removeLast();
      }
    }
  }

  /** The requests kept, newest first. */
  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  String page() {
    List<Received> all = received();
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"5\"><title>webmon demo inbox</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}")
        .append("pre{background:#f4f4f4;padding:1em;overflow:auto}.ok{color:#137333}.bad{color:#b3261e}</style>")
        .append("</head><body><h1>Demo inbox</h1><p>The webhook channel <code>demo-inbox</code> of ")
        .append("<code>webmon standalone --demo</code> posts every notification here. The last ")
        .append(KEPT)
        .append(" requests, newest first (this page reloads every 5 s): ")
        .append(all.size())
        .append(" so far.</p>");
    if (all.isEmpty()) {
      html.append("<p>Nothing yet: the first arrives when a demo target's incident opens (about half a minute after start).</p>");
    }
    for (Received r : all) {
      html.append("<section><h2>").append(escape(r.at().toString())).append("</h2><pre>");
      for (String h : r.headers()) {
        html.append(escape(h)).append('\n');
      }
      html.append("</pre><p class=\"")
          .append(r.signatureValid() ? "ok\">Signature valid (HMAC-SHA256 of the body with the channel's secret)"
              : "bad\">Signature missing or not valid")
          .append("</p><pre>")
          .append(escape(r.body()))
          .append("</pre></section>");
    }
    return html.append("</body></html>").toString();
  }

  private byte[] sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String pretty(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(text));
    } catch (JsonProcessingException e) {
      return text; // not JSON: shown as it came
    }
  }

  private static Optional<byte[]> readBounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    return bytes.length > MAX_BODY ? Optional.empty() : Optional.of(bytes);
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    // The page shows what anyone on this machine posted: no script, no framing, no sniffing.
    ex.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
