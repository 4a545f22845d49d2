package dev.webmon.notifier;

import dev.webmon.check.AddressPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Sends the channels' HTTP requests and turns whatever happens into a {@link Delivery}: 2xx is
 * delivered; 408, 429 and 5xx, refused or failed connections, TLS failures and time-outs are
 * retryable (with the receiver's {@code Retry-After}); any other status, a redirect (not followed,
 * so it cannot lead past the address policy) and a refused address are permanent.
 *
 * <p>The destination's host must pass the {@link AddressPolicy} of {@code check.allowed-networks}
 * before anything is sent — as the web checks target URLs when they are saved. The JDK client
 * resolves the host again when it connects, so a DNS answer that changes in between (rebinding)
 * is not caught here; the checks' own client closes that gap, this one cannot (docs/notifications.md).
 *
 * <p>TLS is verified (the JVM's trust store, or the given context, with host name verification);
 * HTTP/1.1, no proxy, bounded connect and request time-outs. Request URLs carry secrets (Slack,
 * Discord, Teams, Telegram): they appear in no outcome, exception or log line — only their host.
 * Thread-safe.
 */
final class HttpDelivery {
  /** How long the address check waits for DNS before letting the request fail on its own. */
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

  private final HttpClient client;
  private final AddressPolicy policy;
  private final Duration requestTimeout;
  private final Clock clock;

  HttpDelivery(AddressPolicy policy, Duration connectTimeout, Duration requestTimeout, Clock clock) {
    this(policy, connectTimeout, requestTimeout, clock, defaultContext());
  }

  HttpDelivery(AddressPolicy policy, Duration connectTimeout, Duration requestTimeout, Clock clock, SSLContext tls) {
    this.policy = policy;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(connectTimeout)
            .sslContext(tls)
            .build();
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
    Optional<String> refusal = policy.refusal(url, DNS_TIMEOUT);
    if (refusal.isPresent()) {
      return new Delivery.Failed("address refused: " + refusal.get(), Optional.empty(), since(start));
    }
    HttpRequest request;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(url)
              .timeout(requestTimeout)
              .header("User-Agent", USER_AGENT)
              .method(r.method(), HttpRequest.BodyPublishers.ofByteArray(r.body()));
      r.headers().forEach(b::header);
      request = b.build();
    } catch (IllegalArgumentException e) {
      // The JDK's message may quote a header value (a token): keep it out.
      return new Delivery.Failed("invalid request (a header value or the URL)", Optional.empty(), since(start));
    }
    HttpResponse<InputStream> response;
    String body;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      }
    } catch (HttpConnectTimeoutException e) {
      return retry("connect to " + host + " timed out", start);
    } catch (HttpTimeoutException e) {
      return retry("no answer from " + host + " within " + requestTimeout.toMillis() + " ms", start);
    } catch (ConnectException e) {
      return retry("could not connect to " + host + " (refused or unreachable)", start);
    } catch (SSLException e) {
      return retry("TLS with " + host + " failed: " + e.getMessage(), start);
    } catch (IOException e) {
      return retry("I/O error with " + host + ": " + e.getClass().getSimpleName(), start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return retry("interrupted", start);
    }
    int status = response.statusCode();
    Delivery.Reply reply = Delivery.Reply.http(status, body);
    if (status >= 200 && status < 300) {
      return new Delivery.Delivered(Optional.of(reply), since(start));
    }
    if (status == 408 || status == 429 || status >= 500) {
      Optional<String> header = response.headers().firstValue("Retry-After");
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
