package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.check.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress direct = new ClientAddress(List.of());
  private final ClientAddress proxied = new ClientAddress(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertThat(direct.resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
    assertThat(direct.resolve("10.0.0.1", List.of("198.51.100.1"))).isEqualTo("10.0.0.1");
  }

  @Test
  void aTrustedProxyNamesTheRightmostUntrustedAddress() {
    assertThat(proxied.resolve("10.0.0.1", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
    assertThat(proxied.resolve("10.0.0.1", List.of("6.6.6.6, 198.51.100.1, 10.0.0.2"))).isEqualTo("198.51.100.1");
    assertThat(proxied.resolve("10.0.0.1", List.of("6.6.6.6", "198.51.100.1"))).as("several headers").isEqualTo("198.51.100.1");
    assertThat(proxied.resolve("10.0.0.1", List.of("198.51.100.1:4711"))).isEqualTo("198.51.100.1");
    assertThat(proxied.resolve("10.0.0.1", List.of())).as("no header: the proxy itself").isEqualTo("10.0.0.1");
    assertThat(proxied.resolve("10.0.0.1", List.of("10.0.0.3"))).as("only proxies").isEqualTo("10.0.0.3");
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItForwards() {
    assertThat(proxied.resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
  }

  @Test
  void garbageOrNamesStopTheWalkAtTheLastTrustedHop() {
    assertThat(proxied.resolve("10.0.0.1", List.of("localhost"))).isEqualTo("10.0.0.1");
    assertThat(proxied.resolve("10.0.0.1", List.of("198.51.100.1, evil.example.com"))).isEqualTo("10.0.0.1");
    assertThat(proxied.resolve("10.0.0.1", List.of("unknown, 198.51.100.1"))).isEqualTo("198.51.100.1");
  }

  @Test
  void anIpv6ClientCountsByItsSlash64() {
    assertThat(proxied.resolve("fd00::1", List.of("[2001:db8:1:2:aaaa::1]:443"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(proxied.resolve("fd00::1", List.of("2001:db8:1:2:bbbb::9"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(direct.resolve("0:0:0:0:0:0:0:1", List.of())).isEqualTo("0:0:0:0:0:0:0:0/64");
  }
}
