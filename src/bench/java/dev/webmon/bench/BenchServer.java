package dev.webmon.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The page {@code webmon bench checker} checks when given no URL: a static ~2 KB HTML page served
 * on 127.0.0.1 by a few platform threads, each accepting a connection, reading the request head,
 * writing the prebuilt response and closing (HTTP/1.1 with {@code Connection: close}). As cheap as
 * a Java server gets, so that the checker, not the server, is what is measured; the same server is
 * measured with wrk as the reference. Thread-safe.
 */
public final class BenchServer implements AutoCloseable {
  /** The text the bench's pattern looks for, near the end of the page. */
  public static final String MARKER = "webmon-bench-ok";

  private final ServerSocket server;
  private final List<Thread> threads = new ArrayList<>();
  private final byte[] response;

  private BenchServer(ServerSocket server, int threadCount) {
    this.server = server;
    this.response = response(page());
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::serve, "bench-server-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** Starts a server on an ephemeral port of 127.0.0.1 with {@code threads} acceptor threads. */
  public static BenchServer start(int threads) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    return new BenchServer(s, threads);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
  }

  /** CPU time used so far by the server's threads, in nanoseconds (-1 if the JVM cannot tell). */
  public long cpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : threads) {
      long n = mx.getThreadCpuTime(t.threadId());
      if (n < 0) {
        return -1;
      }
      sum += n;
    }
    return sum;
  }

  private void serve() {
    byte[] buf = new byte[8192];
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setTcpNoDelay(true);
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        if (readHead(in, buf)) {
          OutputStream out = s.getOutputStream();
          out.write(response);
          out.flush();
        }
      } catch (IOException e) {
        // a client gave up, or the server closed: next connection
      }
    }
  }

  /** Reads up to the blank line ending the request head; false if the client went away. */
  private static boolean readHead(InputStream in, byte[] buf) throws IOException {
    int n = 0;
    while (n < buf.length) {
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return false;
      }
      int from = Math.max(0, n - 3);
      n += r;
      for (int i = from; i + 3 < n; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
          return true;
        }
      }
    }
    return true; // an oversized head: answer anyway
  }

  static String page() {
    StringBuilder sb = new StringBuilder(2300);
    sb.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>webmon bench</title></head><body>\n");
    for (int i = 0; sb.length() < 1950; i++) {
      sb.append("<p>Paragraph ").append(i).append(": the quick brown fox jumps over the lazy dog.</p>\n");
    }
    sb.append("<p id=\"status\">").append(MARKER).append("</p>\n</body></html>\n");
    return sb.toString();
  }

  private static byte[] response(String page) {
    byte[] body = page.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 200 OK\r\nServer: webmon-bench\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
