package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class PolicedHttpTest {
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void oneRefusedAddressAmongPublicOnesRefusesTheHostBeforeAnyConnect() {
    AtomicInteger lookups = new AtomicInteger();
    Resolver dns = (host, timeout) -> {
      lookups.incrementAndGet();
      return new InetAddress[] {ip("93.184.215.14"), ip("169.254.169.254")};
    };
    PolicedHttp http = new PolicedHttp(AddressPolicy.of(List.of()), Duration.ofSeconds(1), defaultTls(), dns);
    assertThatThrownBy(() -> http.send("POST", URI.create("https://hooks.example.test/x"), List.of(), new byte[0], Duration.ofSeconds(1), 100))
        .isInstanceOfSatisfying(PolicedHttp.Failure.class, f -> {
          assertThat(f.problem()).isEqualTo(PolicedHttp.Problem.BLOCKED);
          assertThat(f.getMessage()).isEqualTo(
              "host hooks.example.test resolves to 169.254.169.254 is a link-local address (allow it with check.allowed-networks)");
        });
    assertThat(lookups).hasValue(1);
  }

  @Test
  void literalsAreCheckedWithoutDnsIncludingMappedForms() throws Exception {
    Resolver none = (host, timeout) -> {
      throw new AssertionError("no lookup for a literal: " + host);
    };
    PolicedHttp http = new PolicedHttp(AddressPolicy.of(List.of()), Duration.ofSeconds(1), SSLContext.getDefault(), none);
    for (String url : List.of("http://127.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://[64:ff9b::a00:1]/", "http://[::1]:8080/")) {
      assertThatThrownBy(() -> http.send("GET", URI.create(url), List.of(), new byte[0], Duration.ofSeconds(1), 100))
          .as(url)
          .isInstanceOfSatisfying(PolicedHttp.Failure.class, f -> assertThat(f.problem()).isEqualTo(PolicedHttp.Problem.BLOCKED));
    }
  }

  @Test
  void headersThatWouldSplitOrReframeTheRequestAreRefusedBeforeAnything() throws Exception {
    PolicedHttp http = new PolicedHttp(AddressPolicy.allowingAll(), Duration.ofSeconds(1), SSLContext.getDefault(),
        (host, timeout) -> {
          throw new AssertionError("nothing is resolved for a refused request");
        });
    URI url = URI.create("http://hooks.example.test/");
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, String> h :
        List.of(Map.entry("X-A", "a\r\nX-B: b"), Map.entry("X-A", "\u00e9"), Map.entry("Content-Length", "0"), Map.entry("Host", "other"),
            Map.entry("X A", "a"), Map.entry("", "a"))) {
      assertThatThrownBy(() -> http.send("POST", url, List.of(h), body, Duration.ofSeconds(1), 100)).as(h.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .message().as("the value (maybe a token) is not quoted").isIn("invalid header name", "invalid header value");
    }
  }
}
