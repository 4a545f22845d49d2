package dev.webmon.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A tiny HTTP test server on 127.0.0.1 over raw sockets, so tests control every byte (including
 * broken responses). Each connection runs the handler on a virtual thread. Closing the server
 * closes every connection, which also releases handlers parked in {@link #hang()}.
 */
final class TestServer implements AutoCloseable {
  /** A request as received. */
  record Request(String method, String target, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @FunctionalInterface
  interface Handler {
    /** Answers one connection; {@code request} is null if the server was told not to read. */
    void handle(Request request, Socket socket, OutputStream out) throws Exception;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final boolean readRequest;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();

  private TestServer(ServerSocket server, boolean readRequest, Handler handler) {
    this.server = server;
    this.readRequest = readRequest;
    this.handler = handler;
    Thread t = new Thread(this::acceptLoop, "test-server-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  static TestServer http(Handler handler) throws IOException {
    return new TestServer(bind(new ServerSocket()), true, handler);
  }

  /** A server that does not read the request before calling the handler. */
  static TestServer raw(Handler handler) throws IOException {
    return new TestServer(bind(new ServerSocket()), false, handler);
  }

  static TestServer https(SSLContext ctx, Handler handler) throws IOException {
    return new TestServer(bind(ctx.getServerSocketFactory().createServerSocket()), true, handler);
  }

  private static ServerSocket bind(ServerSocket s) throws IOException {
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    return s;
  }

  int port() {
    return server.getLocalPort();
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  URI httpsUrl(String host, String path) {
    return URI.create("https://" + host + ":" + port() + path);
  }

  /** Blocks the handler until the server is closed (a server that never answers). */
  void hang() throws InterruptedException {
    closed.await();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(10_000);
      Request req = null;
      if (readRequest) {
        req = read(s.getInputStream());
        if (req == null) {
          return;
        }
        requests.add(req);
      }
      OutputStream out = s.getOutputStream();
      handler.handle(req, s, out);
      out.flush();
    } catch (Exception e) {
      // the client went away or the test closed us: nothing to report
    } finally {
      open.remove(s);
    }
  }

  private static Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] first = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Request(first[0], first[1], headers, body);
  }

  /** Writes a complete response with Content-Length. */
  static void respond(OutputStream out, int status, String headers, byte[] body) throws IOException {
    String head = "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.length + "\r\n" + headers + "\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
  }

  static void respond(OutputStream out, int status, String body) throws IOException {
    respond(out, status, "Content-Type: text/html; charset=utf-8\r\n", body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
