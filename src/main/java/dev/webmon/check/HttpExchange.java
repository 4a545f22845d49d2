package dev.webmon.check;

import dev.webmon.Closeables;
import dev.webmon.event.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request on a new TCP connection to an already checked address, and its response:
 * connect, TLS handshake (SNI and host name verification), write, read. Timed phase by phase into a
 * {@link PhaseClock}. Errors become {@link CheckFailure}s with the reason a user would give them.
 * Not thread-safe; one per hop.
 */
final class HttpExchange {
  /**
   * What to send. {@code hostHeader} is the URL's authority, {@code sniHost} empty for IP literals;
   * {@code connectionClose} adds {@code Connection: close} (checks say so; the notifier's requests
   * keep the headers the JDK client sent, and the socket is closed after one response either way).
   */
  record Request(
      URI url,
      String hostHeader,
      String sniHost,
      int port,
      boolean https,
      String method,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean connectionClose) {}

  /** What came back. */
  record Response(
      int status,
      String httpVersion,
      String location,
      String contentEncoding,
      String contentType,
      byte[] body,
      int bodyLength,
      boolean truncated,
      Instant tlsNotAfter,
      String retryAfter) {}

  private HttpExchange() {}

  static Response execute(
      Request req,
      InetAddress address,
      Deadline deadline,
      Watchdog.Guard guard,
      PhaseClock clock,
      long connectTimeoutNanos,
      SSLSocketFactory tls,
      int bodyCap,
      boolean followRedirects)
      throws CheckFailure {
    // NO_PROXY: a plain socket without the SOCKS wrapper and its proxy-selector lookup per connect.
    Socket raw = new Socket(Proxy.NO_PROXY);
    guard.attach(raw);
    Socket socket = raw;
    String phase = "connect";
    try {
      long t0 = System.nanoTime();
      long remainingAtStart = deadline.remainingNanos();
      long connectNanos = Math.min(connectTimeoutNanos, remainingAtStart);
      if (connectNanos <= 0) {
        throw new CheckFailure(Reason.TIMEOUT, "timed out before connecting");
      }
      int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectNanos / 1_000_000));
      try {
        raw.connect(new InetSocketAddress(address, req.port()), connectMillis);
      } catch (SocketTimeoutException e) {
        if (guard.fired() || deadline.expired() || connectTimeoutNanos >= remainingAtStart) {
          throw new CheckFailure(Reason.TIMEOUT, "timed out connecting to " + address.getHostAddress());
        }
        throw new CheckFailure(
            Reason.CONNECT, "connect to " + address.getHostAddress() + " timed out after " + connectMillis + " ms", true);
      }
      long t1 = System.nanoTime();
      clock.connect += t1 - t0;
      Instant notAfter = null;
      if (req.https()) {
        phase = "tls";
        SSLSocket ssl = (SSLSocket) tls.createSocket(raw, req.sniHost().isEmpty() ? address.getHostAddress() : req.sniHost(), req.port(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!req.sniHost().isEmpty()) {
          params.setServerNames(List.of(new SNIHostName(req.sniHost())));
        }
        params.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(params);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        Certificate[] chain = ssl.getSession().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
          notAfter = leaf.getNotAfter().toInstant();
        }
        socket = ssl;
        clock.tls += System.nanoTime() - t1;
      }
      phase = "send";
      OutputStream out = socket.getOutputStream();
      out.write(requestBytes(req));
      out.flush();
      long sent = System.nanoTime();
      phase = "read";
      InputStream in = socket.getInputStream();
      ResponseReader reader = new ResponseReader(in, deadline);
      reader.readHead();
      clock.ttfb += reader.firstByteNanos() - sent;
      boolean redirect = followRedirects && isRedirect(reader.status) && reader.location != null;
      if (!redirect && reader.hasBody(req.method())) {
        reader.readBody(bodyCap);
      }
      clock.transfer += System.nanoTime() - reader.firstByteNanos();
      return new Response(
          reader.status,
          reader.httpVersion,
          reader.location,
          reader.contentEncoding,
          reader.contentType,
          reader.body,
          reader.bodyLength,
          reader.truncated,
          notAfter,
          reader.retryAfter);
    } catch (IOException e) {
      throw classify(e, phase, address, deadline, guard);
    } finally {
      // Closing the TCP socket only: an SSLSocket's close would first try to send close_notify,
      // which can block on a peer that stopped reading. The SSLSocket holds no resource of its own
      // and the request said "Connection: close".
      Closeables.closeQuietly(raw);
    }
  }

  private static CheckFailure classify(IOException e, String phase, InetAddress address, Deadline deadline, Watchdog.Guard guard) {
    if (guard.fired() || deadline.expired() || e instanceof SocketTimeoutException) {
      return new CheckFailure(Reason.TIMEOUT, "timed out (" + phaseText(phase) + ")");
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (phase.equals("connect")) {
      if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
        return new CheckFailure(Reason.CONNECT, "cannot connect to " + address.getHostAddress() + ": " + msg, true);
      }
      return new CheckFailure(Reason.CONNECT, "connect to " + address.getHostAddress() + " failed: " + msg, true);
    }
    if (phase.equals("tls") || e instanceof SSLHandshakeException) {
      return new CheckFailure(Reason.TLS, "TLS handshake failed: " + tlsMessage(e));
    }
    if (e instanceof SSLException) {
      return new CheckFailure(Reason.TLS, "TLS error: " + tlsMessage(e));
    }
    if (e instanceof SocketException) {
      return new CheckFailure(Reason.CONNECT, "connection failed (" + phaseText(phase) + "): " + msg);
    }
    return new CheckFailure(Reason.PROTOCOL, "I/O error (" + phaseText(phase) + "): " + msg);
  }

  private static String tlsMessage(IOException e) {
    // The root cause names the real problem (e.g. "PKIX path building failed", "No subject
    // alternative names matching IP address 127.0.0.1 found"); validity problems say only
    // "NotAfter: <date>", so they get named.
    Throwable t = e;
    String best = e.getMessage();
    while (t != null) {
      if (t instanceof java.security.cert.CertificateExpiredException) {
        return "certificate expired (" + t.getMessage() + ")";
      }
      if (t instanceof java.security.cert.CertificateNotYetValidException) {
        return "certificate not yet valid (" + t.getMessage() + ")";
      }
      if (t.getMessage() != null) {
        best = t.getMessage();
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return best == null ? e.getClass().getSimpleName() : best;
  }

  private static String phaseText(String phase) {
    return switch (phase) {
      case "connect" -> "while connecting";
      case "tls" -> "during the TLS handshake";
      case "send" -> "while sending the request";
      default -> "while reading the response";
    };
  }

  /** A status whose Location a client follows. */
  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static byte[] requestBytes(Request req) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(req.method()).append(' ');
    appendTarget(sb, req.url());
    sb.append(" HTTP/1.1\r\nHost: ").append(req.hostHeader()).append("\r\n");
    for (Map.Entry<String, String> h : req.headers()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    byte[] body = req.body();
    if (body.length > 0 || methodExpectsBody(req.method())) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (req.connectionClose()) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body.length == 0) {
      return head;
    }
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static boolean methodExpectsBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  /** The request target: the path (or "/") and query, non-ASCII percent-encoded as UTF-8. */
  static void appendTarget(StringBuilder sb, URI url) {
    String path = url.getRawPath();
    if (path == null || path.isEmpty()) {
      sb.append('/');
    } else {
      appendAscii(sb, path);
    }
    String query = url.getRawQuery();
    if (query != null) {
      sb.append('?');
      appendAscii(sb, query);
    }
  }

  private static void appendAscii(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        int cp = s.codePointAt(i);
        if (Character.isSupplementaryCodePoint(cp)) {
          i++;
        }
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
      }
    }
  }
}
