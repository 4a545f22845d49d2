package dev.webmon.check;

import dev.webmon.Text;
import dev.webmon.event.CheckResult;
import dev.webmon.event.InvalidEventException;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a target the way a first-time visitor's browser would load it: one HTTP/1.1 request on
 * a new connection per hop (DNS, TCP connect, TLS, request, response), redirects followed up to
 * the target's limit, the body read up to {@code check.max-body-bytes}, decompressed and decoded,
 * and matched with RE2J. Every resolved address passes the {@link AddressPolicy} before the
 * connect, and the connect goes to exactly that address (no second lookup, so no DNS-rebinding
 * gap), on every hop.
 *
 * <p>The target's timeout bounds the whole check strictly: each socket read waits at most until
 * the deadline, DNS runs on its own virtual thread with a bounded wait, and a watchdog closes the
 * socket at the deadline to end a trickled TLS handshake or a blocked write.
 *
 * <p>The client is a small HTTP/1.1 implementation on {@link java.net.Socket}: measured against
 * the JDK HttpClient and OkHttp it does several times more checks per CPU second, and it times
 * every phase exactly (see docs/benchmarks.md, "Checker").
 *
 * <p>Over 400 lines because one check's hop loop (resolve, police, connect, redirect, verdict)
 * reads best as one piece; the exchange, response parsing, body decoding and verdict are in
 * {@link HttpExchange}, {@link ResponseReader}, {@link BodyText} and {@link PatternVerdict}.
 *
 * <p>Thread-safe; blocking, meant to run on virtual threads; never throws.
 */
public final class HttpChecker implements Checker {
  private static final Logger log = LoggerFactory.getLogger(HttpChecker.class);
  private static final Pattern LOCATION = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");
  private static final byte[] NO_BODY = new byte[0];
  private static final int MAX_URL_CHARS = 2048;
  /** Hop-by-hop or framing headers the client owns; a target's own values are ignored. */
  private static final Set<String> CLIENT_OWNED = Set.of("transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");

  private final CheckConfig config;
  private final AddressPolicy policy;
  private final String location;
  private final String agentId;
  private final SSLSocketFactory tls;
  private final Resolver resolver;
  private final InstantSource clock;
  private final Patterns patterns = new Patterns();
  private final int bodyCap;

  /** A checker trusting the JVM's default CA certificates. */
  public HttpChecker(CheckConfig config, String location, String agentId) {
    this(config, location, agentId, defaultTls(), Resolver.system(config.dnsMaxInFlight()), InstantSource.system());
  }

  /**
   * A checker whose TLS trust comes from {@code tls} (e.g. the default trust store plus a
   * private CA).
   */
  public HttpChecker(CheckConfig config, String location, String agentId, SSLContext tls) {
    this(config, location, agentId, tls, Resolver.system(config.dnsMaxInFlight()), InstantSource.system());
  }

  HttpChecker(CheckConfig config, String location, String agentId, SSLContext tls, Resolver resolver, InstantSource clock) {
    if (!LOCATION.matcher(location).matches()) {
      throw new IllegalArgumentException("location must be 1-64 characters of [A-Za-z0-9_-]: " + location);
    }
    if (!AGENT_ID.matcher(agentId).matches()) {
      throw new IllegalArgumentException("agent id must be 1-128 characters of [A-Za-z0-9_.:@-]: " + agentId);
    }
    this.config = config;
    this.policy = AddressPolicy.fromConfig(config);
    this.location = location;
    this.agentId = agentId;
    this.tls = tls.getSocketFactory();
    this.resolver = resolver;
    this.clock = clock;
    this.bodyCap = (int) config.maxBodyBytes();
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  /** The address policy this checker applies. */
  public AddressPolicy addressPolicy() {
    return policy;
  }

  /** What happened so far in one check; filled hop by hop so a failure still reports it. */
  private static final class Trace {
    int redirects;
    URI url;
    String remoteAddress;
    int status;
    String httpVersion;
  }

  @Override
  public CheckResult check(TargetSpec target, Instant scheduledAt) {
    long start = System.nanoTime();
    Instant startedAt = clock.instant();
    PhaseClock phases = new PhaseClock();
    Trace trace = new Trace();
    trace.url = target.url();
    CheckResult.Builder b =
        CheckResult.builder()
            .resultId(ResultIds.next(startedAt.toEpochMilli()))
            .target(target)
            .location(location)
            .agentId(agentId)
            .scheduledAt(scheduledAt)
            .startedAt(startedAt);
    Deadline deadline = new Deadline(start, target.timeout().toNanos());
    Watchdog.Guard guard = WatchdogHolder.INSTANCE.arm(deadline);
    try {
      run(target, deadline, guard, phases, trace, b);
    } catch (CheckFailure f) {
      b.down(f.reason()).detail(f.detail());
    } catch (RuntimeException e) {
      log.warn("check of target {} failed unexpectedly", target.id(), e);
      b.down(Reason.PROTOCOL).detail("internal error: " + e);
    } finally {
      guard.disarm();
    }
    b.timings(phases.toTimings(System.nanoTime() - start)).redirects(trace.redirects);
    if (trace.redirects > 0) {
      b.finalUrl(trace.url);
    }
    if (trace.remoteAddress != null) {
      b.remoteAddress(trace.remoteAddress);
    }
    if (trace.httpVersion != null) {
      b.httpVersion(trace.httpVersion);
    }
    if (trace.status != 0) {
      b.statusCode(trace.status);
    }
    CheckResult result;
    try {
      result = b.build();
    } catch (InvalidEventException e) {
      // A bug, not the target's fault: still report the check rather than lose it.
      log.warn("check result of target {} is invalid: {}", target.id(), e.getMessage());
      result =
          CheckResult.builder()
              .resultId(ResultIds.next(startedAt.toEpochMilli()))
              .target(target)
              .location(location)
              .agentId(agentId)
              .scheduledAt(scheduledAt)
              .startedAt(startedAt)
              .down(Reason.PROTOCOL)
              .timings(phases.toTimings(System.nanoTime() - start))
              .detail("internal error: " + e.getMessage())
              .build();
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "target {} {} {} {} in {} ms: {}",
          target.id(),
          result.outcome(),
          result.reason().map(Enum::name).orElse(""),
          result.statusCode().map(String::valueOf).orElse("-"),
          result.timings().totalMicros() / 1000,
          result.detail().orElse(""));
    }
    return result;
  }

  private void run(TargetSpec target, Deadline deadline, Watchdog.Guard guard, PhaseClock phases, Trace trace, CheckResult.Builder b)
      throws CheckFailure {
    String method = target.method();
    byte[] body = target.body().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(NO_BODY);
    boolean targetHeaders = true;
    int maxRedirects = Math.min(target.maxRedirects(), config.maxRedirectsCap());
    HttpExchange.Response response;
    while (true) {
      URI url = trace.url;
      trace.status = 0;
      trace.httpVersion = null;
      boolean https = url.getScheme().equalsIgnoreCase("https");
      String host = url.getHost();
      String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      int port = url.getPort() == -1 ? (https ? 443 : 80) : url.getPort();
      String hostHeader = url.getPort() == -1 || port == (https ? 443 : 80) ? host : host + ":" + port;
      Optional<byte[]> literal = Cidr.parseLiteral(bareHost);
      InetAddress[] addresses = literal.isPresent() ? new InetAddress[] {address(literal.get())} : resolve(bareHost, deadline, phases);
      // A fully qualified name ("example.com.") is the same host: SNI and certificate names are
      // written without the root's dot (RFC 6066 forbids it in SNI), as browsers and the JDK do.
      String tlsName = literal.isPresent() ? "" : bareHost.endsWith(".") ? bareHost.substring(0, bareHost.length() - 1) : bareHost;
      HttpExchange.Request req =
          new HttpExchange.Request(url, hostHeader, tlsName, port, https, method, headers(target, targetHeaders), body, true);
      response = connectAny(req, addresses, deadline, guard, phases, trace, maxRedirects > 0);
      trace.status = response.status();
      trace.httpVersion = response.httpVersion();
      if (maxRedirects == 0 || !HttpExchange.isRedirect(response.status()) || response.location() == null) {
        break;
      }
      if (trace.redirects >= maxRedirects) {
        throw new CheckFailure(
            Reason.TOO_MANY_REDIRECTS,
            "more than " + maxRedirects + " redirects; the last one (" + response.status() + ") to " + Text.clip(response.location(), 100));
      }
      URI next = redirectTarget(url, response.location());
      trace.redirects++;
      int status = response.status();
      if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
        // As browsers do: the next request is a GET without the body (HEAD stays HEAD).
        method = method.equals("HEAD") ? "HEAD" : "GET";
        body = NO_BODY;
      }
      if (!sameOrigin(url, next)) {
        // The target's headers and body may carry credentials meant for its own origin only; a
        // 307/308 keeps the method but another origin gets neither.
        targetHeaders = false;
        body = NO_BODY;
      }
      trace.url = next;
    }
    b.bodyBytes(response.bodyLength());
    if (response.tlsNotAfter() != null) {
      b.tlsExpiresAt(response.tlsNotAfter());
    }
    int status = response.status();
    if (!target.expectedStatus().contains(status)) {
      throw new CheckFailure(Reason.HTTP_STATUS, "status " + status + " is not in " + target.expectedStatus().format());
    }
    Patterns.Compiled compiled = patterns.of(target);
    if (compiled.mustMatch() != null || compiled.mustNotMatch() != null) {
      BodyText.Decoded text =
          BodyText.text(
              response.body(),
              response.bodyLength(),
              response.truncated(),
              response.contentEncoding(),
              response.contentType(),
              bodyCap,
              deadline);
      if (deadline.expired()) {
        throw new CheckFailure(Reason.TIMEOUT, "the timeout passed before the patterns could be matched");
      }
      PatternVerdict.Verdict verdict = PatternVerdict.judge(compiled, text.text(), text.cut(), response.bodyLength());
      if (!verdict.up()) {
        throw new CheckFailure(verdict.reason(), verdict.detail().orElseThrow());
      }
      verdict.detail().ifPresent(b::detail);
    }
    b.up(status);
  }

  /** Connects to the first permitted address; on a failed TCP connect tries the next one. */
  private HttpExchange.Response connectAny(
      HttpExchange.Request req,
      InetAddress[] addresses,
      Deadline deadline,
      Watchdog.Guard guard,
      PhaseClock phases,
      Trace trace,
      boolean followRedirects)
      throws CheckFailure {
    CheckFailure last = null;
    for (InetAddress address : addresses) {
      Optional<String> refusal = policy.refusal(address, req.port());
      if (refusal.isPresent()) {
        throw new CheckFailure(Reason.BLOCKED_ADDRESS, hostOf(req) + ": " + refusal.get());
      }
      trace.remoteAddress = address.getHostAddress();
      try {
        return HttpExchange.execute(
            req, address, deadline, guard, phases, config.connectTimeout().toNanos(), tls, bodyCap, followRedirects);
      } catch (CheckFailure f) {
        if (!f.beforeConnected() || deadline.expired()) {
          throw f;
        }
        last = f;
      }
    }
    throw last;
  }

  private static String hostOf(HttpExchange.Request req) {
    return req.url().getHost();
  }

  private InetAddress[] resolve(String host, Deadline deadline, PhaseClock phases) throws CheckFailure {
    long t0 = System.nanoTime();
    try {
      long left = deadline.remainingNanos();
      if (left <= 0) {
        throw new CheckFailure(Reason.TIMEOUT, "timed out before resolving " + host);
      }
      InetAddress[] all = resolver.resolve(host, left);
      if (all.length == 0) {
        throw new CheckFailure(Reason.DNS, "no address for " + host);
      }
      return all;
    } catch (BoundedLookups.BusyException e) {
      throw new CheckFailure(Reason.DNS, e.getMessage());
    } catch (UnknownHostException e) {
      throw new CheckFailure(Reason.DNS, "cannot resolve " + host);
    } catch (TimeoutException e) {
      throw new CheckFailure(Reason.TIMEOUT, "timed out resolving " + host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckFailure(Reason.TIMEOUT, "interrupted while resolving " + host);
    } finally {
      phases.dns += System.nanoTime() - t0;
    }
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes: cannot happen
    }
  }

  private List<Map.Entry<String, String>> headers(TargetSpec target, boolean includeTarget) {
    List<Map.Entry<String, String>> h = new ArrayList<>(8 + target.headers().size());
    Map<String, String> own = includeTarget ? target.headers() : Map.of();
    if (!hasHeader(own, "user-agent")) {
      h.add(Map.entry("User-Agent", config.userAgent()));
    }
    if (!hasHeader(own, "accept")) {
      h.add(Map.entry("Accept", "*/*"));
    }
    if (!hasHeader(own, "accept-encoding")) {
      h.add(Map.entry("Accept-Encoding", "gzip, deflate"));
    }
    for (Map.Entry<String, String> e : own.entrySet()) {
      if (!CLIENT_OWNED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        h.add(e);
      }
    }
    return h;
  }

  private static boolean hasHeader(Map<String, String> headers, String lowerName) {
    if (headers.isEmpty()) {
      return false;
    }
    for (String name : headers.keySet()) {
      if (name.equalsIgnoreCase(lowerName)) {
        return true;
      }
    }
    return false;
  }

  /** The absolute URL a Location header points to, or PROTOCOL if it is not a usable http(s) URL. */
  static URI redirectTarget(URI base, String location) throws CheckFailure {
    URI ref;
    try {
      ref = new URI(escapeLoosely(location.strip()));
    } catch (URISyntaxException e) {
      throw new CheckFailure(Reason.PROTOCOL, "redirect to an invalid URL: " + Text.clip(location, 100));
    }
    URI b = base;
    if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
      // URI.resolve mishandles an empty base path ("http://a" + "b" gives "http://ab").
      try {
        b = new URI(base.getScheme(), base.getRawAuthority(), "/", null, null);
      } catch (URISyntaxException e) {
        throw new CheckFailure(Reason.PROTOCOL, "redirect from an unusable URL");
      }
    }
    URI next = b.resolve(ref);
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new CheckFailure(Reason.PROTOCOL, "redirect to a non-HTTP URL: " + Text.clip(location, 100));
    }
    if (next.getHost() == null) {
      throw new CheckFailure(Reason.PROTOCOL, "redirect to a URL without a host: " + Text.clip(location, 100));
    }
    if (next.getRawUserInfo() != null) {
      throw new CheckFailure(Reason.PROTOCOL, "redirect to a URL with credentials in it");
    }
    if (next.toString().length() > MAX_URL_CHARS) {
      throw new CheckFailure(Reason.PROTOCOL, "redirect to a URL longer than " + MAX_URL_CHARS + " characters");
    }
    for (int i = 0; i < next.toString().length(); i++) {
      if (Character.isISOControl(next.toString().charAt(i))) {
        throw new CheckFailure(Reason.PROTOCOL, "redirect to a URL with control characters");
      }
    }
    return next;
  }

  /** Percent-encodes what servers put in Location headers but URIs forbid (spaces, non-ASCII...). */
  private static String escapeLoosely(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int width = Character.charCount(c);
      boolean bad = c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0;
      if (bad) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        for (byte x : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xff));
        }
      } else if (sb != null) {
        sb.appendCodePoint(c);
      }
      i += width;
    }
    return sb == null ? s : sb.toString();
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  private static int effectivePort(URI u) {
    return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** One watchdog thread for all checkers (and {@link PolicedHttp}) of the JVM, started on first use. */
  static final class WatchdogHolder {
    static final Watchdog INSTANCE = new Watchdog();
  }
}
