package dev.webmon.notifier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Plain sockets for Jakarta Mail that connect to one address checked beforehand, whatever host the
 * library asks for (it would resolve the name again: a DNS answer changed in between would reach
 * an address the policy refuses). Only the port of the library's endpoint is used. Thread-safe.
 * {@link #namedTls} is the TLS layer for implicit TLS, where the library opens the socket itself.
 */
final class PinnedSockets extends SocketFactory {
  private final InetAddress address;

  PinnedSockets(InetAddress address) {
    this.address = address;
  }

  @Override
  public Socket createSocket() {
    return new Pinned(address);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    Socket s = new Pinned(address);
    s.bind(new InetSocketAddress(localHost, localPort));
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(port);
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
    return createSocket("", port, localAddress, localPort);
  }

  private Socket connected(int port) throws IOException {
    Socket s = new Pinned(address);
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  private static final class Pinned extends Socket {
    private final InetAddress address;

    Pinned(InetAddress address) {
      super(Proxy.NO_PROXY);
      this.address = address;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      int port = endpoint instanceof InetSocketAddress a ? a.getPort() : 0;
      super.connect(new InetSocketAddress(address, port), timeout);
    }
  }

  /**
   * TLS for Jakarta Mail's implicit-TLS ("smtps") connections, which the library opens itself (to
   * the checked address, given as a literal) and then hands to {@link SSLSocketFactory#createSocket(
   * Socket, String, int, boolean)}: this layers TLS with {@code context}'s trust over that socket
   * for {@code host}, the configured name — not the literal the library was given — with SNI and
   * the certificate's name checked against it ("HTTPS" endpoint identification; Jakarta Mail's
   * {@code checkserveridentity} then checks it again). It opens no connection of its own.
   */
  static SSLSocketFactory namedTls(SSLContext context, String host) {
    return new NamedTls(context.getSocketFactory(), host);
  }

  private static final class NamedTls extends SSLSocketFactory {
    private final SSLSocketFactory tls;
    private final String host;

    NamedTls(SSLSocketFactory tls, String host) {
      this.tls = tls;
      this.host = host;
    }

    @Override
    public Socket createSocket(Socket s, String ignoredHost, int port, boolean autoClose) throws IOException {
      SSLSocket socket = (SSLSocket) tls.createSocket(s, host, port, autoClose);
      SSLParameters p = socket.getSSLParameters();
      if (!isAddressLiteral(host)) {
        // the JDK sends SNI on its own only for names with a dot ("localhost" has none)
        p.setServerNames(List.of(new SNIHostName(host)));
      }
      p.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(p);
      return socket;
    }

    private static boolean isAddressLiteral(String host) {
      return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return tls.getSupportedCipherSuites();
    }

    // Connecting sockets of its own would bypass the checked address: refused.
    @Override
    public Socket createSocket(String h, int port) throws IOException {
      throw refused();
    }

    @Override
    public Socket createSocket(String h, int port, InetAddress localHost, int localPort) throws IOException {
      throw refused();
    }

    @Override
    public Socket createSocket(InetAddress h, int port) throws IOException {
      throw refused();
    }

    @Override
    public Socket createSocket(InetAddress h, int port, InetAddress localAddress, int localPort) throws IOException {
      throw refused();
    }

    private static SocketException refused() {
      return new SocketException("TLS is only layered over a socket connected to the checked address");
    }

    @Override
    public String toString() {
      return "NamedTls[" + host + "]";
    }
  }
}
