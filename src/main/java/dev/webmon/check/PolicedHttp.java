package dev.webmon.check;

import dev.webmon.event.Reason;
import java.io.Serial;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request (no redirects followed) to a host whose address passes the {@link
 * AddressPolicy}, for senders other than checks (the notifier's webhooks and chat services). The
 * host is resolved once and the connection goes to exactly the address that was checked, so a DNS
 * answer that changes between the check and the connect (rebinding), or a name that resolves only
 * slowly, cannot reach an address the policy refuses. TLS as for checks: the given trust, SNI and
 * host name verification. Thread-safe; blocking, meant for virtual threads.
 */
public final class PolicedHttp {
  /** Framing and routing headers this client writes itself; a caller's value is refused. */
  private static final Set<String> OWN_HEADERS =
      Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade", "te", "trailer", "keep-alive");

  /** What the server answered: the status, the body up to the cap, and its Retry-After header. */
  public record Reply(int status, byte[] body, Optional<String> retryAfter) {
    public Reply {
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  /** Why no answer came. */
  public enum Problem {
    /** The address policy refused an address of the host; nothing was sent. */
    BLOCKED,
    DNS,
    CONNECT,
    TIMEOUT,
    TLS,
    PROTOCOL
  }

  /** No answer; the message names the host or address, never the URL's path or query. */
  public static final class Failure extends Exception {
    @Serial private static final long serialVersionUID = 1L;
    private final Problem problem;

    Failure(Problem problem, String message) {
      super(message, null, false, false);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  private final AddressPolicy policy;
  private final Resolver resolver;
  private final SSLSocketFactory tls;
  private final long connectTimeoutNanos;

  /** A client resolving with the JVM's resolver (at most 16 lookups at once). */
  public PolicedHttp(AddressPolicy policy, Duration connectTimeout, SSLContext tls) {
    this(policy, connectTimeout, tls, Resolver.system(16));
  }

  public PolicedHttp(AddressPolicy policy, Duration connectTimeout, SSLContext tls, Resolver resolver) {
    this.policy = policy;
    this.resolver = resolver;
    this.tls = tls.getSocketFactory();
    this.connectTimeoutNanos = connectTimeout.toNanos();
  }

  /**
   * Sends one request and reads the answer within {@code timeout} (all of it: DNS, connect, TLS,
   * request and response).
   *
   * @param headers sent as given, after {@code Host}; framing headers are the client's
   * @throws IllegalArgumentException for a URL that is not absolute http(s) with a host, or a
   *     header name or value that is not allowed (the message quotes neither)
   */
  public Reply send(String method, URI url, List<Map.Entry<String, String>> headers, byte[] body, Duration timeout, int bodyCap)
      throws Failure {
    String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null || url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the URL must be http or https with a host and no user info");
    }
    if (!method.chars().allMatch(c -> c >= 'A' && c <= 'Z') || method.isEmpty()) {
      throw new IllegalArgumentException("invalid method");
    }
    for (Map.Entry<String, String> h : headers) {
      checkHeader(h.getKey(), h.getValue());
    }
    boolean https = scheme.equals("https");
    String host = url.getHost();
    String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = url.getPort() == -1 ? (https ? 443 : 80) : url.getPort();
    String hostHeader = url.getPort() == -1 ? host : host + ":" + port;
    Deadline deadline = new Deadline(System.nanoTime(), timeout.toNanos());
    boolean literal = Cidr.parseLiteral(bareHost).isPresent();
    List<InetAddress> addresses = addresses(bareHost, port, deadline);
    String tlsName = literal ? "" : bareHost.endsWith(".") ? bareHost.substring(0, bareHost.length() - 1) : bareHost;
    HttpExchange.Request req = new HttpExchange.Request(url, hostHeader, tlsName, port, https, method, headers, body, false);
    Watchdog.Guard guard = HttpChecker.WatchdogHolder.INSTANCE.arm(deadline);
    try {
      CheckFailure last = null;
      for (InetAddress address : addresses) {
        try {
          HttpExchange.Response r =
              HttpExchange.execute(req, address, deadline, guard, new PhaseClock(), connectTimeoutNanos, tls, bodyCap, false);
          // The reader keeps bodyLength within the cap and the array; Reply copies.
          return new Reply(r.status(), Arrays.copyOf(r.body(), r.bodyLength()), Optional.ofNullable(r.retryAfter()));
        } catch (CheckFailure f) {
          if (!f.beforeConnected() || deadline.expired()) {
            throw failure(f);
          }
          last = f;
        }
      }
      throw failure(last);
    } finally {
      guard.disarm();
    }
  }

  /**
   * The addresses of {@code host} (a name or an IP literal, without brackets), resolved once
   * within {@code timeout}; every one must be allowed on {@code port}, else {@link Problem#BLOCKED}.
   * A caller connects to one of exactly these, never to the name, so no second lookup can differ.
   */
  public List<InetAddress> addresses(String host, int port, Duration timeout) throws Failure {
    return addresses(host, port, new Deadline(System.nanoTime(), timeout.toNanos()));
  }

  private List<InetAddress> addresses(String host, int port, Deadline deadline) throws Failure {
    Optional<byte[]> literal = Cidr.parseLiteral(host);
    InetAddress[] all = literal.isPresent() ? new InetAddress[] {address(literal.get())} : resolve(host, deadline);
    for (InetAddress address : all) {
      Optional<String> refusal = policy.refusal(address, port);
      if (refusal.isPresent()) {
        throw new Failure(Problem.BLOCKED, literal.isPresent() ? refusal.get() : "host " + host + " resolves to " + refusal.get());
      }
    }
    return List.of(all);
  }

  private InetAddress[] resolve(String host, Deadline deadline) throws Failure {
    try {
      InetAddress[] all = resolver.resolve(host, Math.max(1, deadline.remainingNanos()));
      if (all.length == 0) {
        throw new Failure(Problem.DNS, "no address for " + host);
      }
      return all;
    } catch (BoundedLookups.BusyException e) {
      throw new Failure(Problem.DNS, e.getMessage());
    } catch (UnknownHostException e) {
      throw new Failure(Problem.DNS, "cannot resolve " + host);
    } catch (TimeoutException e) {
      throw new Failure(Problem.TIMEOUT, "timed out resolving " + host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(Problem.TIMEOUT, "interrupted while resolving " + host);
    }
  }

  private static Failure failure(CheckFailure f) {
    Problem p =
        f.reason() == Reason.TIMEOUT
            ? Problem.TIMEOUT
            : f.reason() == Reason.CONNECT ? Problem.CONNECT : f.reason() == Reason.TLS ? Problem.TLS : Problem.PROTOCOL;
    return new Failure(p, f.detail());
  }

  private static void checkHeader(String name, String value) {
    if (name.isEmpty() || !name.chars().allMatch(PolicedHttp::isTokenChar) || OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("invalid header name");
    }
    if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))) {
      throw new IllegalArgumentException("invalid header value");
    }
  }

  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes: cannot happen
    }
  }
}
