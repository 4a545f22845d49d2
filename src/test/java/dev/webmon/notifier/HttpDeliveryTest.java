package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.webmon.check.AddressPolicy;
import dev.webmon.check.AllowedNetwork;
import dev.webmon.check.PolicedHttp;
import dev.webmon.check.Resolver;
import dev.webmon.infra.CertificateAuthority;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class HttpDeliveryTest {
  private static HttpDelivery.Request post(URI url) {
    return HttpDelivery.Request.postJson(url, "{}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void twoHundredsAreDeliveredWithStatusAndLatency() throws Exception {
    try (Receiver r = new Receiver().answer(202, "{\"status\":\"success\"}")) {
      Delivery d = Http.delivery().send(post(r.url("/hook")));
      assertThat(d).isInstanceOf(Delivery.Delivered.class);
      assertThat(d.reply()).contains(new Delivery.Reply(Delivery.Protocol.HTTP, 202, "{\"status\":\"success\"}"));
      assertThat(d.latency()).isPositive();
      assertThat(r.only().header("User-Agent")).isEqualTo(HttpDelivery.USER_AGENT);
    }
  }

  @Test
  void connectionRefusedIsRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Delivery d = Http.delivery().send(post(URI.create("http://127.0.0.1:" + port + "/secret-token")));
    assertThat(d).isInstanceOf(Delivery.Retryable.class);
    assertThat(d.detail()).contains("could not connect to 127.0.0.1").doesNotContain("secret-token");
    assertThat(d.reply()).isEmpty();
  }

  @Test
  void serverErrorsAreRetryable() throws Exception {
    for (int status : List.of(500, 502, 503, 504, 408)) {
      try (Receiver r = new Receiver().answer(status, "busy")) {
        Delivery d = Http.delivery().send(post(r.url("/")));
        assertThat(d).as("HTTP %d", status).isInstanceOf(Delivery.Retryable.class);
        assertThat(((Delivery.Retryable) d).retryAfter()).isEmpty();
        assertThat(d.reply().orElseThrow().code()).isEqualTo(status);
      }
    }
  }

  @Test
  void tooManyRequestsHonoursRetryAfterSeconds() throws Exception {
    try (Receiver r = new Receiver().answer(429, "slow down", Map.of("Retry-After", "7"))) {
      Delivery.Retryable d = (Delivery.Retryable) Http.delivery().send(post(r.url("/")));
      assertThat(d.retryAfter()).contains(Duration.ofSeconds(7));
      assertThat(d.reason()).isEqualTo("HTTP 429");
    }
  }

  @Test
  void tooManyRequestsHonoursRetryAfterHttpDate() throws Exception {
    // Http.NOW is 2026-03-01T12:00:00Z
    try (Receiver r = new Receiver().answer(429, "", Map.of("Retry-After", "Sun, 01 Mar 2026 12:01:30 GMT"))) {
      Delivery.Retryable d = (Delivery.Retryable) Http.delivery().send(post(r.url("/")));
      assertThat(d.retryAfter()).contains(Duration.ofSeconds(90));
    }
  }

  @Test
  void unavailableWithRetryAfterKeepsIt() throws Exception {
    try (Receiver r = new Receiver().answer(503, "", Map.of("Retry-After", "120"))) {
      Delivery.Retryable d = (Delivery.Retryable) Http.delivery().send(post(r.url("/")));
      assertThat(d.retryAfter()).contains(Duration.ofMinutes(2));
    }
  }

  @Test
  void timeoutIsRetryable() throws Exception {
    try (Receiver r = new Receiver().hold()) {
      Delivery d = Http.delivery(Duration.ofMillis(300)).send(post(r.url("/")));
      assertThat(d).isInstanceOf(Delivery.Retryable.class);
      assertThat(d.detail()).contains("no answer from 127.0.0.1 within 300 ms");
    }
  }

  @Test
  void clientErrorsAndRedirectsArePermanent() throws Exception {
    for (int status : List.of(400, 401, 403, 404, 410, 422)) {
      try (Receiver r = new Receiver().answer(status, "{\"error\":\"nope\"}")) {
        Delivery d = Http.delivery().send(post(r.url("/")));
        assertThat(d).as("HTTP %d", status).isInstanceOf(Delivery.Failed.class);
        assertThat(d.detail()).isEqualTo("failed: HTTP " + status);
        assertThat(d.reply().orElseThrow().text()).isEqualTo("{\"error\":\"nope\"}");
      }
    }
    try (Receiver r = new Receiver().answer(301, "", Map.of("Location", "http://169.254.169.254/"))) {
      Delivery d = Http.delivery().send(post(r.url("/")));
      assertThat(d).isInstanceOf(Delivery.Failed.class);
      assertThat(d.detail()).contains("redirects are not followed");
      assertThat(r.requests).hasSize(1);
    }
  }

  @Test
  void loopbackIsRefusedUnlessAllowListedAndNothingIsSent() throws Exception {
    try (Receiver r = new Receiver()) {
      HttpDelivery strict = new HttpDelivery(AddressPolicy.of(List.of()), Duration.ofSeconds(1),
          Duration.ofSeconds(1), Http.CLOCK);
      Delivery d = strict.send(post(r.url("/T000/B000/secret")));
      assertThat(d).isInstanceOf(Delivery.Failed.class);
      assertThat(d.detail())
          .contains("address refused: 127.0.0.1 is a loopback address (allow it with check.allowed-networks)")
          .doesNotContain("secret");
      assertThat(r.requests).isEmpty();
    }
  }

  @Test
  void privateAndMetadataAddressesAreRefused() {
    HttpDelivery strict = new HttpDelivery(AddressPolicy.of(List.of()), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Http.CLOCK);
    assertThat(strict.send(post(URI.create("http://169.254.169.254/latest/meta-data"))).detail())
        .contains("link-local");
    assertThat(strict.send(post(URI.create("http://10.1.2.3/hook"))).detail()).contains("private");
  }

  @Test
  void aHeaderValueTheClientRefusesIsPermanentAndNotQuoted() throws Exception {
    try (Receiver r = new Receiver()) {
      Delivery d = Http.delivery().send(post(r.url("/")).withHeader("Authorization", "Bearer tok\r\nen"));
      assertThat(d).isInstanceOf(Delivery.Failed.class);
      assertThat(d.detail()).doesNotContain("tok");
      assertThat(r.requests).isEmpty();
    }
  }

  private static HttpsServer https(javax.net.ssl.SSLContext tls) throws Exception {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  @Test
  void tlsIsVerifiedCertificateAndHostName() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("notifier-test-ca");
    HttpDelivery trusting = new HttpDelivery(Http.LOOPBACK, Duration.ofSeconds(2), Duration.ofSeconds(5), Http.CLOCK,
        ca.clientSslContext());
    HttpsServer good = https(ca.issueLocalhost().sslContext());
    HttpsServer otherName = https(ca.issueServer("other.example", List.of("other.example"), List.of()).sslContext());
    try {
      URI url = URI.create("https://127.0.0.1:" + good.getAddress().getPort() + "/hook");
      assertThat(trusting.send(post(url))).isInstanceOf(Delivery.Delivered.class);
      // the JVM's trust store does not know the test CA
      Delivery untrusted = Http.delivery().send(post(url));
      assertThat(untrusted).isInstanceOf(Delivery.Retryable.class);
      assertThat(untrusted.detail()).contains("TLS with 127.0.0.1 failed");
      // a trusted certificate for another name
      Delivery mismatch = trusting.send(post(URI.create("https://127.0.0.1:" + otherName.getAddress().getPort() + "/")));
      assertThat(mismatch).isInstanceOf(Delivery.Retryable.class);
      assertThat(mismatch.detail()).contains("TLS with 127.0.0.1 failed");
    } finally {
      good.stop(0);
      otherName.stop(0);
    }
  }

  /** A resolver that answers {@code name} with {@code address} and counts its lookups. */
  private static final class FixedDns implements Resolver {
    final AtomicInteger lookups = new AtomicInteger();
    private final String name;
    private final InetAddress address;

    FixedDns(String name, InetAddress address) {
      this.name = name;
      this.address = address;
    }

    @Override
    public InetAddress[] resolve(String host, long timeoutNanos) throws UnknownHostException {
      lookups.incrementAndGet();
      if (!host.equals(name)) {
        throw new UnknownHostException(host);
      }
      return new InetAddress[] {address};
    }
  }

  @Test
  void aNameResolvingToLoopbackIsRefusedAndNothingIsSent() throws Exception {
    // Before, the name was checked by one lookup and the JDK client connected after another, so
    // a rebinding answer (or one slower than the check's 2 s) reached the loopback receiver.
    try (Receiver r = new Receiver()) {
      FixedDns dns = new FixedDns("hooks.example.test", InetAddress.getByName("127.0.0.1"));
      HttpDelivery strict = new HttpDelivery(
          new PolicedHttp(AddressPolicy.of(List.of()), Duration.ofSeconds(1), SSLContext.getDefault(), dns),
          Duration.ofSeconds(2), Http.CLOCK);
      Delivery d = strict.send(post(URI.create("http://hooks.example.test:" + r.url("/").getPort() + "/T0/secret")));
      assertThat(d).isInstanceOf(Delivery.Failed.class);
      assertThat(d.detail())
          .contains("address refused: host hooks.example.test resolves to 127.0.0.1 is a loopback address")
          .doesNotContain("secret");
      assertThat(r.requests).isEmpty();
    }
  }

  @Test
  void theConnectionGoesToTheAddressThatWasCheckedAfterOneLookup() throws Exception {
    try (Receiver r = new Receiver()) {
      int port = r.url("/").getPort();
      FixedDns dns = new FixedDns("hooks.example.test", InetAddress.getByName("127.0.0.1"));
      AddressPolicy onePort = AddressPolicy.of(List.of(AllowedNetwork.parse("127.0.0.1/32:" + port)));
      HttpDelivery d = new HttpDelivery(new PolicedHttp(onePort, Duration.ofSeconds(1), SSLContext.getDefault(), dns),
          Duration.ofSeconds(2), Http.CLOCK);
      // The system resolver does not know the name: only a connect to the checked address arrives.
      Delivery sent = d.send(post(URI.create("http://hooks.example.test:" + port + "/hook?x=1")));
      assertThat(sent).isInstanceOf(Delivery.Delivered.class);
      assertThat(dns.lookups).hasValue(1);
      assertThat(r.only().header("Host")).isEqualTo("hooks.example.test:" + port);
      assertThat(r.only().pathAndQuery()).isEqualTo("/hook?x=1");
      assertThat(r.only().text()).isEqualTo("{}");
      assertThat(r.only().header("Content-Type")).isEqualTo("application/json");
    }
  }

  @Test
  void framingHeadersFromAChannelAreRefused() throws Exception {
    try (Receiver r = new Receiver()) {
      for (String name : List.of("Host", "Content-Length", "Transfer-Encoding", "Connection", "Bad Name")) {
        Delivery d = Http.delivery().send(post(r.url("/")).withHeader(name, "x"));
        assertThat(d).as(name).isInstanceOf(Delivery.Failed.class);
      }
      assertThat(r.requests).isEmpty();
    }
  }

  @Test
  void requestToStringShowsOnlyTheHost() {
    assertThat(post(URI.create("https://hooks.slack.com/services/T1/B2/XYZ")).toString())
        .isEqualTo("Request[POST host hooks.slack.com]");
  }

  @Test
  void retryAfterParsing() {
    assertThat(RetryAfter.parse("0", Http.NOW)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse(" 30 ", Http.NOW)).contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Sun, 01 Mar 2026 11:00:00 GMT", Http.NOW)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999", Http.NOW)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("soon", Http.NOW)).isEmpty();
    assertThat(RetryAfter.parse("-5", Http.NOW)).isEmpty();
    assertThat(RetryAfter.ofSeconds(1.5)).contains(Duration.ofMillis(1500));
    assertThat(RetryAfter.ofSeconds(Double.NaN)).isEqualTo(Optional.empty());
  }
}
