package dev.webmon.notifier;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.PolicedHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Sends the channels' HTTP requests and turns whatever happens into a {@link Delivery}: 2xx is
 * delivered; 408, 429 and 5xx, refused or failed connections, TLS failures and time-outs are
 * retryable (with the receiver's {@code Retry-After}); any other status, a redirect (not followed,
 * so it cannot lead past the address policy) and a refused address are permanent.
 *
 * <p>The destination must pass the {@link AddressPolicy} of {@code check.allowed-networks}, as
 * checks do: the request goes through the checks' {@link PolicedHttp}, which resolves the host
 * once, refuses it if any address is refused, and connects to exactly the address it checked — so
 * a DNS answer that changes between the check and the connect (rebinding), or a name too slow to
 * resolve for a separate check, cannot reach a refused address.
 *
 * <p>TLS is verified (the JVM's trust store, or the given context, with host name verification);
 * HTTP/1.1, no proxy, bounded connect and request time-outs. Request URLs carry secrets (Slack,
 * Discord, Teams, Telegram): they appear in no outcome, exception or log line — only their host.
 * Thread-safe.
 */
final class HttpDelivery {
  /** How long the email channel's address check waits for DNS. */
  static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);

  static final String USER_AGENT = "webmon-notifier/1";
  private static final int MAX_BODY = 4096;

  /** A request; {@code url} is secret (it is never shown). */
  record Request(String method, URI url, Map<String, String> headers, byte[] body) {
    Request {
      headers = Map.copyOf(headers);
    }

    static Request postJson(URI url, byte[] body) {
      return new Request("POST", url, Map.of("Content-Type", "application/json"), body);
    }

    Request withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Request(method, url, h, body);
    }

    @Override
    public String toString() {
      return "Request[" + method + " host " + url.getHost() + "]";
    }
  }

  /** What the receiver answered, for a channel that reads more than the status (e.g. Telegram). */
  record Response(int status, String body, Optional<String> retryAfter) {}

  private final PolicedHttp client;
  private final Duration requestTimeout;
  private final Clock clock;

  HttpDelivery(AddressPolicy policy, Duration connectTimeout, Duration requestTimeout, Clock clock) {
    this(policy, connectTimeout, requestTimeout, clock, defaultContext());
  }

  HttpDelivery(AddressPolicy policy, Duration connectTimeout, Duration requestTimeout, Clock clock, SSLContext tls) {
    this(new PolicedHttp(policy, connectTimeout, tls), requestTimeout, clock);
  }

  HttpDelivery(PolicedHttp client, Duration requestTimeout, Clock clock) {
    this.client = client;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  Delivery send(Request r) {
    return send(r, resp -> Optional.empty());
  }

  /**
   * Sends {@code r} once.
   *
   * @param bodyRetryAfter reads a retry delay from a 429 body when the header has none
   */
  Delivery send(Request r, Function<Response, Optional<Duration>> bodyRetryAfter) {
    long start = System.nanoTime();
    URI url = r.url();
    String host = String.valueOf(url.getHost());
    String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
      return new Delivery.Failed("the URL must be http or https with a host", Optional.empty(), since(start));
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>(r.headers().size() + 1);
    headers.add(Map.entry("User-Agent", USER_AGENT));
    headers.addAll(r.headers().entrySet());
    PolicedHttp.Reply answer;
    try {
      answer = client.send(r.method(), url, headers, r.body(), requestTimeout, MAX_BODY);
    } catch (IllegalArgumentException e) {
      // Never quote the value: a header may hold a token.
      return new Delivery.Failed("invalid request (a header value or the URL)", Optional.empty(), since(start));
    } catch (PolicedHttp.Failure f) {
      return switch (f.problem()) {
        case BLOCKED -> new Delivery.Failed("address refused: " + f.getMessage(), Optional.empty(), since(start));
        case DNS -> retry(f.getMessage(), start);
        case CONNECT -> f.getMessage().contains("timed out")
            ? retry("connect to " + host + " timed out", start)
            : retry("could not connect to " + host + " (refused or unreachable)", start);
        case TIMEOUT -> f.getMessage().contains("connecting")
            ? retry("connect to " + host + " timed out", start)
            : retry("no answer from " + host + " within " + requestTimeout.toMillis() + " ms", start);
        case TLS -> retry("TLS with " + host + " failed: " + f.getMessage(), start);
        case PROTOCOL -> retry("I/O error with " + host + ": " + f.getMessage(), start);
      };
    }
    int status = answer.status();
    String body = new String(answer.body(), StandardCharsets.UTF_8);
    Delivery.Reply reply = Delivery.Reply.http(status, body);
    if (status >= 200 && status < 300) {
      return new Delivery.Delivered(Optional.of(reply), since(start));
    }
    if (status == 408 || status == 429 || status >= 500) {
      Optional<String> header = answer.retryAfter();
      Optional<Duration> after = header.flatMap(h -> RetryAfter.parse(h, clock.instant()));
      if (after.isEmpty() && status == 429) {
        after = bodyRetryAfter.apply(new Response(status, body, header));
      }
      return new Delivery.Retryable("HTTP " + status, after, Optional.of(reply), since(start));
    }
    String why = status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)" : "HTTP " + status;
    return new Delivery.Failed(why, Optional.of(reply), since(start));
  }

  private static Delivery retry(String reason, long start) {
    return new Delivery.Retryable(reason, Optional.empty(), Optional.empty(), since(start));
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
