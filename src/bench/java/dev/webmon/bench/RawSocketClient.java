package dev.webmon.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The floor of any Java check: a bare blocking socket GET with {@code Connection: close}, reading
 * to the end of the stream, nothing parsed but the status digits. The reference when wrk is not
 * installed (infra.md measured it at about 45 % of wrk).
 */
final class RawSocketClient implements BenchClient {
  private final InetSocketAddress address;
  private final byte[] request;

  RawSocketClient(URI url) {
    int port = url.getPort() == -1 ? 80 : url.getPort();
    this.address = new InetSocketAddress(url.getHost(), port);
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    this.request =
        ("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public String name() {
    return "raw-socket";
  }

  @Override
  public boolean check() {
    byte[] buf = new byte[8192];
    try (Socket s = new Socket()) {
      s.connect(address, 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      int n = 0;
      int first = -1;
      while ((n = in.read(buf)) >= 0) {
        if (first < 0 && n >= 12) {
          first = buf[9];
        }
      }
      return first == '2' || first == '3';
    } catch (IOException e) {
      return false;
    }
  }
}
