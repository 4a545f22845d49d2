package dev.webmon.notifier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Plain sockets for Jakarta Mail that connect to one address checked beforehand, whatever host the
 * library asks for (it would resolve the name again: a DNS answer changed in between would reach
 * an address the policy refuses). Only the port of the library's endpoint is used. Thread-safe.
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
}
