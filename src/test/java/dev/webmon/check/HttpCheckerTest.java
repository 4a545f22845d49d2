package dev.webmon.check;

import static dev.webmon.check.TestServer.respond;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The check engine against real HTTP(S) servers on 127.0.0.1. */
@Timeout(30)
class HttpCheckerTest {
  private static final Instant SCHEDULED = Instant.parse("2026-03-01T10:00:00Z");
  private static final String PAGE = "<html><body><h1>Welcome to the shop</h1></body></html>";

  private static SSLContext defaultTls;
  private static final HttpChecker checker = checker(CheckConfig.defaults("127.0.0.0/8"));

  @BeforeAll
  static void tls() throws Exception {
    defaultTls = SSLContext.getDefault();
  }

  static HttpChecker checker(CheckConfig config) {
    try {
      return new HttpChecker(config, "test-loc", "agent-1", SSLContext.getDefault(), Resolver.system(64), InstantSource.system());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static TargetSpec.Builder target(URI url) {
    return TargetSpec.builder("t1", url).timeout(Duration.ofSeconds(5));
  }

  static CheckResult check(TargetSpec.Builder t) {
    return checker.check(t.build(), SCHEDULED);
  }

  @Test
  void upWhenThePatternIsFound() throws Exception {
    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 200, PAGE))) {
      CheckResult r = check(target(s.url("/shop")).mustMatch("Welcome to the \\w+"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(r.reason()).isEmpty();
      assertThat(r.statusCode()).contains(200);
      assertThat(r.httpVersion()).contains("HTTP/1.1");
      assertThat(r.remoteAddress()).contains("127.0.0.1");
      assertThat(r.bodyBytes()).isEqualTo(PAGE.length());
      assertThat(r.redirects()).isZero();
      assertThat(r.finalUrl()).isEmpty();
      assertThat(r.tlsExpiresAt()).isEmpty();
      assertThat(r.location()).isEqualTo("test-loc");
      assertThat(r.agentId()).isEqualTo("agent-1");
      assertThat(r.targetId()).isEqualTo("t1");
      assertThat(r.scheduledAt()).isEqualTo(SCHEDULED);
      assertThat(r.startedAt()).isCloseTo(Instant.now(), within(10));
      assertThat(r.resultId().version()).isEqualTo(7);
      assertThat(r.timings().dnsMicros()).as("IP literal: no DNS").isZero();
      assertThat(r.timings().tlsMicros()).isZero();
      assertThat(r.timings().totalMicros())
          .isPositive()
          .isGreaterThanOrEqualTo(r.timings().connectMicros() + r.timings().ttfbMicros());
      TestServer.Request req = s.requests.get(0);
      assertThat(req.method()).isEqualTo("GET");
      assertThat(req.target()).isEqualTo("/shop");
      assertThat(req.header("host")).isEqualTo("127.0.0.1:" + s.port());
      assertThat(req.header("connection")).isEqualTo("close");
      assertThat(req.header("accept-encoding")).contains("gzip");
      assertThat(req.header("user-agent")).startsWith("webmon/");
    }
  }

  @Test
  void patternMissingAndForbidden() throws Exception {
    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 200, PAGE))) {
      CheckResult missing = check(target(s.url("/")).mustMatch("Out of stock"));
      assertThat(missing.outcome()).isEqualTo(Outcome.DOWN);
      assertThat(missing.reason()).as(describe(missing)).contains(Reason.PATTERN_MISSING);
      assertThat(missing.statusCode()).contains(200);
      assertThat(missing.detail()).hasValueSatisfying(d -> assertThat(d).contains("Out of stock"));

      CheckResult forbidden = check(target(s.url("/")).mustMatch("Welcome").mustNotMatch("(?i)WELCOME TO"));
      assertThat(forbidden.reason()).as(describe(forbidden)).contains(Reason.PATTERN_FORBIDDEN);

      CheckResult clean = check(target(s.url("/")).mustMatch("Welcome").mustNotMatch("error|exception"));
      assertThat(clean.outcome()).as(describe(clean)).isEqualTo(Outcome.UP);
    }
  }

  @Test
  void statusOutsideTheExpectedRangesIsDown() throws Exception {
    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 500, "oops"))) {
      CheckResult r = check(target(s.url("/")));
      assertThat(r.reason()).as(describe(r)).contains(Reason.HTTP_STATUS);
      assertThat(r.statusCode()).contains(500);
      assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).contains("500").contains("200-399"));

      CheckResult expected = check(target(s.url("/")).expectedStatus("500-503"));
      assertThat(expected.outcome()).as(describe(expected)).isEqualTo(Outcome.UP);
      assertThat(expected.statusCode()).contains(500);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithinTheBound() throws Exception {
    try (TestServer s = TestServer.http((req, sock, out) -> TestServerHolder.hang(sock))) {
      long t0 = System.nanoTime();
      CheckResult r = check(target(s.url("/")).timeout(Duration.ofMillis(300)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.reason()).as(describe(r)).contains(Reason.TIMEOUT);
      assertThat(ms).isBetween(290L, 1_300L);
      assertThat(r.timings().totalMicros() / 1000).isBetween(290L, 1_300L);
    }
  }

  @Test
  void aServerThatTricklesBytesCannotStretchTheTimeout() throws Exception {
    try (TestServer s =
        TestServer.http(
            (req, sock, out) -> {
              out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
              for (int i = 0; i < 1000; i++) {
                out.write('a');
                out.flush();
                Thread.sleep(20); // the server's pace, not a synchronisation
              }
            })) {
      long t0 = System.nanoTime();
      CheckResult r = check(target(s.url("/")).timeout(Duration.ofMillis(400)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.reason()).as(describe(r)).contains(Reason.TIMEOUT);
      assertThat(ms).isBetween(390L, 1_400L);
    }
  }

  @Test
  void connectionRefusedIsConnect() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    CheckResult r = check(target(URI.create("http://127.0.0.1:" + port + "/")));
    assertThat(r.reason()).as(describe(r)).contains(Reason.CONNECT);
    assertThat(r.statusCode()).isEmpty();
    assertThat(r.remoteAddress()).contains("127.0.0.1");
  }

  @Test
  void anUnresolvableHostIsDns() {
    CheckResult r = check(target(URI.create("http://no-such-host.invalid/")));
    assertThat(r.reason()).as(describe(r)).contains(Reason.DNS);
    assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).contains("no-such-host.invalid"));
  }

  @Test
  void aHungResolverIsBoundedByTheTimeout() {
    HttpChecker slowDns =
        new HttpChecker(
            CheckConfig.defaults(),
            "loc",
            "a",
            defaultTls,
            (host, nanos) -> {
              throw new java.util.concurrent.TimeoutException();
            },
            InstantSource.system());
    CheckResult r = slowDns.check(target(URI.create("http://example.test/")).build(), SCHEDULED);
    assertThat(r.reason()).as(describe(r)).contains(Reason.TIMEOUT);
  }

  @Test
  void redirectsAreFollowedCountedAndTheFinalUrlRecorded() throws Exception {
    try (TestServer s =
        TestServer.http(
            (req, sock, out) -> {
              switch (req.target()) {
                case "/a" -> respond(out, 302, "Location: /b\r\n", new byte[0]);
                case "/b" -> respond(out, 301, "Location: c?x=1\r\n", "moved".getBytes(StandardCharsets.UTF_8));
                case "/c?x=1" -> respond(out, 200, PAGE);
                default -> respond(out, 404, "no");
              }
            })) {
      CheckResult r = check(target(s.url("/a")).mustMatch("Welcome"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(r.redirects()).isEqualTo(2);
      assertThat(r.finalUrl()).contains(s.url("/c?x=1"));
      assertThat(r.bodyBytes()).isEqualTo(PAGE.length());
      assertThat(s.requests).extracting(TestServer.Request::target).containsExactly("/a", "/b", "/c?x=1");
      assertThat(s.connections).as("a fresh connection per hop").hasValue(3);

      CheckResult notFollowed = check(target(s.url("/a")).maxRedirects(0));
      assertThat(notFollowed.outcome()).as("302 is in 200-399" + " " + describe(notFollowed)).isEqualTo(Outcome.UP);
      assertThat(notFollowed.statusCode()).contains(302);
      assertThat(notFollowed.redirects()).isZero();

      CheckResult tooFew = check(target(s.url("/a")).maxRedirects(1));
      assertThat(tooFew.reason()).as(describe(tooFew)).contains(Reason.TOO_MANY_REDIRECTS);
      assertThat(tooFew.redirects()).isEqualTo(1);
    }
  }

  @Test
  void aRedirectLoopIsTooManyRedirects() throws Exception {
    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 307, "Location: /loop\r\n", new byte[0]))) {
      CheckResult r = check(target(s.url("/loop")).maxRedirects(5));
      assertThat(r.reason()).as(describe(r)).contains(Reason.TOO_MANY_REDIRECTS);
      assertThat(r.redirects()).isEqualTo(5);
      assertThat(r.finalUrl()).contains(s.url("/loop"));
      assertThat(s.requests).hasSize(6);
    }
  }

  @Test
  void aRedirectToANonHttpUrlIsProtocol() throws Exception {
    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 302, "Location: ftp://example.com/x\r\n", new byte[0]))) {
      assertThat(check(target(s.url("/"))).reason()).contains(Reason.PROTOCOL);
    }
  }

  @Test
  void postSendsBodyAndHeadersAnd303TurnsIntoGet() throws Exception {
    try (TestServer s =
        TestServer.http(
            (req, sock, out) -> {
              if (req.method().equals("POST")) {
                respond(out, 303, "Location: /done\r\n", new byte[0]);
              } else {
                respond(out, 200, "done");
              }
            })) {
      CheckResult r =
          check(
              target(s.url("/form"))
                  .method("POST")
                  .header("Content-Type", "application/json")
                  .header("X-Api-Key", "k-123")
                  .header("User-Agent", "custom-agent/2")
                  .body("{\"q\":\"caf\u00e9\"}")
                  .mustMatch("done"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      TestServer.Request post = s.requests.get(0);
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.bodyText()).isEqualTo("{\"q\":\"caf\u00e9\"}");
      assertThat(post.header("content-length")).isEqualTo(String.valueOf("{\"q\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8).length));
      assertThat(post.header("content-type")).isEqualTo("application/json");
      assertThat(post.header("x-api-key")).isEqualTo("k-123");
      assertThat(post.header("user-agent")).isEqualTo("custom-agent/2");
      TestServer.Request get = s.requests.get(1);
      assertThat(get.method()).isEqualTo("GET");
      assertThat(get.body()).isEmpty();
      assertThat(get.header("x-api-key")).as("same origin keeps the headers").isEqualTo("k-123");
    }
  }

  @Test
  void headReadsNoBody() throws Exception {
    try (TestServer s =
        TestServer.http(
            (req, sock, out) ->
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)))) {
      CheckResult r = check(target(s.url("/")).method("HEAD"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(r.bodyBytes()).isZero();
      assertThat(s.requests.get(0).method()).isEqualTo("HEAD");
    }
  }

  @Test
  void targetHeadersAreNotSentToAnotherOrigin() throws Exception {
    try (TestServer other = TestServer.http((req, sock, out) -> respond(out, 200, "other"));
        TestServer s = TestServer.http((req, sock, out) -> respond(out, 302, "Location: " + other.url("/x") + "\r\n", new byte[0]))) {
      CheckResult r = check(target(s.url("/")).header("Authorization", "Bearer secret"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(s.requests.get(0).header("authorization")).isEqualTo("Bearer secret");
      assertThat(other.requests.get(0).header("authorization")).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {307, 308})
  void aCrossOrigin307Or308DropsTheBodyAsItDropsTheHeadersAndTheSameOriginKeepsIt(int status) throws Exception {
    String secret = "user=admin&password=hunter2";
    try (TestServer other = TestServer.http((req, sock, out) -> respond(out, 200, "other"));
        TestServer s =
            TestServer.http(
                (req, sock, out) -> {
                  if (req.target().equals("/login")) {
                    respond(out, status, "Location: /again\r\n", new byte[0]);
                  } else {
                    respond(out, status, "Location: " + other.url("/x") + "\r\n", new byte[0]);
                  }
                })) {
      CheckResult r =
          check(
              target(s.url("/login"))
                  .method("POST")
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .body(secret));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(s.requests.get(1).method()).isEqualTo("POST");
      assertThat(s.requests.get(1).bodyText()).as("same origin: the body is re-sent").isEqualTo(secret);
      TestServer.Request crossed = other.requests.get(0);
      assertThat(crossed.method()).as("307/308 keep the method").isEqualTo("POST");
      assertThat(crossed.bodyText()).as("another origin gets no body").isEmpty();
      assertThat(crossed.header("content-length")).isEqualTo("0");
    }
  }

  @Test
  void gzipBodiesAreDecodedBeforeMatching() throws Exception {
    byte[] gz = gzip("<p>compressed Welcome page</p>".repeat(50));
    try (TestServer s =
        TestServer.http((req, sock, out) -> respond(out, 200, "Content-Encoding: gzip\r\nContent-Type: text/html\r\n", gz))) {
      CheckResult r = check(target(s.url("/")).mustMatch("compressed Welcome"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(r.bodyBytes()).as("bytes on the wire").isEqualTo(gz.length);
      assertThat(s.requests.get(0).header("accept-encoding")).contains("gzip");
    }
  }

  @Test
  void aCorruptGzipBodyIsProtocol() throws Exception {
    byte[] junk = "definitely not gzip".getBytes(StandardCharsets.UTF_8);
    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 200, "Content-Encoding: gzip\r\n", junk))) {
      assertThat(check(target(s.url("/")).mustMatch("x")).reason()).contains(Reason.PROTOCOL);
      assertThat(check(target(s.url("/"))).outcome()).as("no pattern: no need to decode").isEqualTo(Outcome.UP);
    }
  }

  @Test
  void theBodyIsReadUpToTheCapInEveryFraming() throws Exception {
    int cap = 64 * 1024;
    HttpChecker capped = checker(CheckConfig.defaults("127.0.0.0/8").withMaxBodyBytes(cap));
    byte[] big = new byte[1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    byte[] head = "START".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, big, 0, head.length);
    byte[] tail = "END".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tail, 0, big, big.length - tail.length, tail.length);
    try (TestServer s =
        TestServer.http(
            (req, sock, out) -> {
              switch (req.target()) {
                case "/length" -> respond(out, 200, "", big);
                case "/chunked" -> {
                  out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                  for (int off = 0; off < big.length; off += 10_000) {
                    int n = Math.min(10_000, big.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(big, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                  }
                  out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                default -> {
                  out.write("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                  out.write(big);
                }
              }
            })) {
      for (String path : new String[] {"/length", "/chunked", "/close"}) {
        CheckResult start = capped.check(target(s.url(path)).mustMatch("^START").build(), SCHEDULED);
        assertThat(start.outcome()).as(path + " " + describe(start)).isEqualTo(Outcome.UP);
        assertThat(start.bodyBytes()).as(path).isEqualTo(cap);
        CheckResult end = capped.check(target(s.url(path)).mustMatch("END").build(), SCHEDULED);
        assertThat(end.reason()).as(path + " " + describe(end)).contains(Reason.PATTERN_MISSING);
        assertThat(end.detail()).hasValueSatisfying(d -> assertThat(d).contains("first " + cap + " bytes"));
        // The body ends in "END", not in the x at the cut: an end anchor must not match there.
        CheckResult anchored = capped.check(target(s.url(path)).mustMatch("x$").build(), SCHEDULED);
        assertThat(anchored.reason()).as(path + " " + describe(anchored)).contains(Reason.PATTERN_MISSING);
        assertThat(anchored.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated").contains("could not decide"));
        CheckResult notForbidden = capped.check(target(s.url(path)).mustNotMatch("x\\z").build(), SCHEDULED);
        assertThat(notForbidden.outcome()).as(path + " " + describe(notForbidden)).isEqualTo(Outcome.UP);
        assertThat(notForbidden.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated").contains("could not decide"));
        assertThat(start.detail()).hasValueSatisfying(d -> assertThat(d).contains("truncated"));
      }
      CheckResult whole = check(target(s.url("/chunked")).mustMatch("END$"));
      assertThat(whole.outcome()).as("1 MiB fits the default cap" + " " + describe(whole)).isEqualTo(Outcome.UP);
      assertThat(whole.bodyBytes()).isEqualTo(big.length);
      assertThat(check(target(s.url("/close")).mustMatch("END$")).httpVersion()).contains("HTTP/1.0");
    }
  }

  @Test
  void nonUtf8BodiesAreDecodedByTheirCharsetOrLeniently() throws Exception {
    byte[] latin1 = "<p>Caf\u00e9 ouvert \u00e0 midi</p>".getBytes(StandardCharsets.ISO_8859_1);
    byte[] broken = new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, ' ', 'f', 'i', 'n', 'e'};
    try (TestServer s =
        TestServer.http(
            (req, sock, out) -> {
              switch (req.target()) {
                case "/declared" -> respond(out, 200, "Content-Type: text/html; charset=ISO-8859-1\r\n", latin1);
                case "/undeclared" -> respond(out, 200, "Content-Type: text/html\r\n", latin1);
                case "/bogus-charset" -> respond(out, 200, "Content-Type: text/html; charset=no-such-charset\r\n", latin1);
                default -> respond(out, 200, "Content-Type: text/html; charset=utf-8\r\n", broken);
              }
            })) {
      assertThat(check(target(s.url("/declared")).mustMatch("Caf\u00e9 ouvert \u00e0")).outcome()).isEqualTo(Outcome.UP);
      assertThat(check(target(s.url("/undeclared")).mustMatch("Caf\u00e9")).outcome()).isEqualTo(Outcome.UP);
      assertThat(check(target(s.url("/bogus-charset")).mustMatch("Caf\u00e9")).outcome()).isEqualTo(Outcome.UP);
      CheckResult r = check(target(s.url("/broken-utf8")).mustMatch("ok.+fine"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
    }
  }

  @Test
  void theCatastrophicPatternRunsInLinearTime() throws Exception {
    byte[] body = new byte[1024 * 1024]; // exactly the default cap: the '!' is read
    Arrays.fill(body, (byte) 'a');
    body[body.length - 1] = '!';
    String text = new String(body, StandardCharsets.ISO_8859_1);
    com.google.re2j.Pattern p = Patterns.compileForFind("(a+)+$");
    long t0 = System.nanoTime();
    boolean found = p.matcher(text).find();
    long coldMs = (System.nanoTime() - t0) / 1_000_000;
    String warmUp = text.substring(text.length() - 64 * 1024);
    for (int i = 0; i < 20; i++) {
      p.matcher(warmUp).find(); // an agent's matcher code is hot; measure it that way too
    }
    t0 = System.nanoTime();
    boolean foundWarm = p.matcher(text).find();
    long warmMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("(a+)+$ on 1 MiB of 'a' + '!': " + coldMs + " ms cold, " + warmMs + " ms warm");
    assertThat(found).isFalse();
    assertThat(foundWarm).isFalse();
    // The first, interpreted run is not bounded here: on a loaded 2-core machine it took 1.4 s.
    assertThat(warmMs).isLessThan(1_000);

    try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 200, "Content-Type: text/plain\r\n", body))) {
      CheckResult r = check(target(s.url("/")).mustMatch("(a+)+$"));
      System.out.println("whole check with (a+)+$ on 1 MiB: " + r.timings().totalMicros() / 1000 + " ms");
      assertThat(r.reason()).as(describe(r)).contains(Reason.PATTERN_MISSING);
      assertThat(r.timings().totalMicros()).isLessThan(2_000_000);
    }
  }

  @Test
  void malformedResponsesAreProtocol() throws Exception {
    try (TestServer s =
        TestServer.http(
            (req, sock, out) -> {
              String answer =
                  switch (req.target()) {
                    case "/garbage" -> "SSH-2.0-OpenSSH_9.2\r\n\r\n";
                    case "/status" -> "HTTP/1.1 2x0 OK\r\n\r\n";
                    case "/header" -> "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n";
                    case "/short" -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this";
                    case "/chunk" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
                    case "/lengths" -> "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd";
                    default -> "";
                  };
              out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            })) {
      for (String path : new String[] {"/garbage", "/status", "/header", "/short", "/chunk", "/lengths", "/empty"}) {
        CheckResult r = check(target(s.url(path)));
        assertThat(r.reason()).as(path + " " + describe(r)).contains(Reason.PROTOCOL);
        assertThat(r.detail()).as(path).isPresent();
      }
    }
  }

  @Test
  void interimResponsesAndLenientFramingAreAccepted() throws Exception {
    try (TestServer s =
        TestServer.http(
            (req, sock, out) ->
                out.write(
                    ("HTTP/1.1 100 Continue\r\n\r\n"
                            + "HTTP/1.1 200 OK\nX-Folded: a\n  b\nTransfer-Encoding: chunked\n\n"
                            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)))) {
      CheckResult r = check(target(s.url("/")).mustMatch("^hello world$"));
      assertThat(r.outcome()).as(describe(r)).isEqualTo(Outcome.UP);
      assertThat(r.bodyBytes()).isEqualTo(11);
    }
  }

  @Nested
  class AddressPolicyOnChecks {
    @Test
    void aLoopbackTargetIsBlockedUnlessAllowListed() throws Exception {
      HttpChecker strict = checker(CheckConfig.defaults());
      try (TestServer s = TestServer.http((req, sock, out) -> respond(out, 200, PAGE))) {
        CheckResult r = strict.check(target(s.url("/")).build(), SCHEDULED);
        assertThat(r.reason()).as(describe(r)).contains(Reason.BLOCKED_ADDRESS);
        assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).contains("127.0.0.1").contains("loopback"));
        assertThat(s.connections).as("never connected").hasValue(0);
      }
    }

    @Test
    void ipv6LiteralsArePoliced() {
      HttpChecker strict = checker(CheckConfig.defaults("127.0.0.0/8"));
      CheckResult r = strict.check(target(URI.create("http://[::1]:1/")).build(), SCHEDULED);
      assertThat(r.reason()).as(describe(r)).contains(Reason.BLOCKED_ADDRESS);
      CheckResult mapped = strict.check(target(URI.create("http://[::ffff:a9fe:a9fe]/")).build(), SCHEDULED);
      assertThat(mapped.reason()).as(describe(mapped)).contains(Reason.BLOCKED_ADDRESS);
    }

    @Test
    void aNameResolvingToTheMetadataAddressIsBlocked() {
      HttpChecker c =
          new HttpChecker(
              CheckConfig.defaults("127.0.0.0/8"),
              "loc",
              "a",
              defaultTls,
              (host, nanos) -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})},
              InstantSource.system());
      CheckResult r = c.check(target(URI.create("http://metadata.example/latest/")).build(), SCHEDULED);
      assertThat(r.reason()).as(describe(r)).contains(Reason.BLOCKED_ADDRESS);
      assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).contains("169.254.169.254").contains("link-local"));
    }

    @Test
    void aRedirectFromAnAllowedHostToABlockedOneIsBlocked() throws Exception {
      HttpChecker onlyDot1 = checker(CheckConfig.defaults("127.0.0.1/32"));
      try (TestServer s =
          TestServer.http((req, sock, out) -> respond(out, 302, "Location: http://127.0.0.2:" + sock.getLocalPort() + "/internal\r\n", new byte[0]))) {
        CheckResult r = onlyDot1.check(target(s.url("/")).build(), SCHEDULED);
        assertThat(r.reason()).as(describe(r)).contains(Reason.BLOCKED_ADDRESS);
        assertThat(r.redirects()).isEqualTo(1);
        assertThat(r.finalUrl()).contains(URI.create("http://127.0.0.2:" + s.port() + "/internal"));
        assertThat(s.connections).hasValue(1);
      }
    }

    @Test
    void theCheckConnectsToTheAddressThatWasCheckedNotASecondLookup() throws Exception {
      // A rebinding resolver answers a public-looking address first and loopback afterwards; the
      // checker must resolve once and connect to what it checked (here: blocked at once).
      java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
      HttpChecker c =
          new HttpChecker(
              CheckConfig.defaults(),
              "loc",
              "a",
              defaultTls,
              (host, nanos) -> {
                lookups.incrementAndGet();
                return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
              },
              InstantSource.system());
      CheckResult r = c.check(target(URI.create("http://rebind.example:1/")).build(), SCHEDULED);
      assertThat(r.reason()).as(describe(r)).contains(Reason.BLOCKED_ADDRESS);
      assertThat(lookups).hasValue(1);
    }
  }

  @Nested
  class Tls {
    @Test
    void aSelfSignedCertificateIsDownTls() throws Exception {
      TestTls.Identity self = TestTls.selfSigned();
      try (TestServer s = TestServer.https(self.serverContext(), (req, sock, out) -> respond(out, 200, PAGE))) {
        CheckResult r = check(target(s.httpsUrl("127.0.0.1", "/")));
        assertThat(r.reason()).as(describe(r)).contains(Reason.TLS);
        assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).containsIgnoringCase("certification path"));
      }
    }

    @Test
    void aCertificateFromATrustedCaIsUpWithItsExpiry() throws Exception {
      TestTls.Ca ca = new TestTls.Ca();
      Instant notAfter = Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
      TestTls.Identity id = ca.issue("localhost", notAfter);
      HttpChecker trusting =
          new HttpChecker(CheckConfig.defaults("127.0.0.0/8"), "loc", "a", ca.clientContext(), Resolver.system(64), InstantSource.system());
      try (TestServer s = TestServer.https(id.serverContext(), (req, sock, out) -> respond(out, 200, PAGE))) {
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
          CheckResult r = trusting.check(target(s.httpsUrl(host, "/")).mustMatch("Welcome").build(), SCHEDULED);
          assertThat(r.outcome()).as(host + ": " + r.detail()).isEqualTo(Outcome.UP);
          assertThat(r.tlsExpiresAt()).contains(notAfter);
          assertThat(r.timings().tlsMicros()).isPositive();
          assertThat(r.httpVersion()).contains("HTTP/1.1");
        }
        assertThat(s.requests.get(0).header("host")).isEqualTo("localhost:" + s.port());
      }
    }

    @Test
    void aTrailingDotHostIsCheckedLikeTheNameWithoutIt() throws Exception {
      TestTls.Ca ca = new TestTls.Ca();
      TestTls.Identity id = ca.issue("shop.example", Instant.now().plus(Duration.ofDays(5)));
      List<String> looked = new CopyOnWriteArrayList<>();
      HttpChecker trusting =
          new HttpChecker(
              CheckConfig.defaults("127.0.0.0/8"),
              "loc",
              "a",
              ca.clientContext(),
              (host, nanos) -> {
                looked.add(host);
                return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
              },
              InstantSource.system());
      try (TestServer s =
          TestServer.https(
              id.serverContext(),
              (req, sock, out) -> {
                if (req.target().equals("/start")) {
                  out.write(("HTTP/1.1 302 Found\r\nLocation: https://shop.example.:" + sock.getLocalPort() + "/end\r\nContent-Length: 0\r\n\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));
                } else {
                  respond(out, 200, PAGE);
                }
              })) {
        CheckResult direct = trusting.check(target(s.httpsUrl("shop.example.", "/")).mustMatch("Welcome").build(), SCHEDULED);
        assertThat(direct.outcome()).as(describe(direct)).isEqualTo(Outcome.UP);
        CheckResult redirected = trusting.check(target(s.httpsUrl("shop.example", "/start")).build(), SCHEDULED);
        assertThat(redirected.outcome()).as(describe(redirected)).isEqualTo(Outcome.UP);
        assertThat(redirected.redirects()).isEqualTo(1);
        assertThat(s.requests.get(0).header("host")).as("the Host header keeps the name as written").isEqualTo("shop.example.:" + s.port());
        assertThat(looked).contains("shop.example.");
      }
    }

    @Test
    void aCertificateForAnotherNameIsDownTls() throws Exception {
      TestTls.Ca ca = new TestTls.Ca();
      TestTls.Identity id = ca.issue("other.example", Instant.now().plus(Duration.ofDays(5)));
      HttpChecker trusting =
          new HttpChecker(
              CheckConfig.defaults("127.0.0.0/8"),
              "loc",
              "a",
              ca.clientContext(),
              (host, nanos) -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})},
              InstantSource.system());
      try (TestServer s = TestServer.https(id.serverContext(), (req, sock, out) -> respond(out, 200, PAGE))) {
        CheckResult r = trusting.check(target(s.httpsUrl("shop.example", "/")).build(), SCHEDULED);
        assertThat(r.reason()).as(describe(r)).contains(Reason.TLS);
        assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).contains("shop.example"));
      }
    }

    @Test
    void anExpiredCertificateIsDownTls() throws Exception {
      TestTls.Ca ca = new TestTls.Ca();
      TestTls.Identity id = ca.issue("localhost", Instant.now().minus(Duration.ofMinutes(5)));
      HttpChecker trusting =
          new HttpChecker(CheckConfig.defaults("127.0.0.0/8"), "loc", "a", ca.clientContext(), Resolver.system(64), InstantSource.system());
      try (TestServer s = TestServer.https(id.serverContext(), (req, sock, out) -> respond(out, 200, PAGE))) {
        CheckResult r = trusting.check(target(s.httpsUrl("localhost", "/")).build(), SCHEDULED);
        assertThat(r.reason()).as(describe(r)).contains(Reason.TLS);
        assertThat(r.detail()).hasValueSatisfying(d -> assertThat(d).containsIgnoringCase("expired"));
      }
    }

    @Test
    void aPlainHttpServerOnAnHttpsUrlIsDownTls() throws Exception {
      // Answers at once, before reading, as a server on a plain port answers a ClientHello.
      try (TestServer s = TestServer.raw((req, sock, out) -> respond(out, 400, "plain HTTP here"))) {
        CheckResult r = check(target(URI.create("https://127.0.0.1:" + s.port() + "/")));
        assertThat(r.reason()).as(describe(r)).contains(Reason.TLS);
      }
    }
  }

  static String describe(CheckResult r) {
    return r.outcome() + " " + r.reason().map(Enum::name).orElse("") + " " + r.statusCode().map(String::valueOf).orElse("") + " " + r.detail().orElse("");
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static org.assertj.core.data.TemporalUnitOffset within(long seconds) {
    return new org.assertj.core.data.TemporalUnitWithinOffset(seconds, ChronoUnit.SECONDS);
  }

  /** Keeps a connection open without answering until the client gives up or the test ends. */
  static final class TestServerHolder {
    static void hang(java.net.Socket sock) throws IOException {
      // Blocks until the client closes (read returns -1) or the server is closed.
      sock.setSoTimeout(0);
      while (sock.getInputStream().read() >= 0) {
        // discard
      }
    }
  }
}
