package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.Cidr;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressCheckTest {
  private final AddressCheck strict = AddressCheck.of(AddressPolicy.allowing(List.of()), Duration.ofSeconds(2));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1/", "http://127.8.9.1:8080/", "http://[::1]/", "http://10.0.0.1/", "http://172.16.5.4/",
        "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://[fe80::1]/",
        "http://[fd00::1]/", "http://100.64.0.1/", "http://224.0.0.1/", "http://localhost/"
      })
  void blocksLoopbackPrivateAndLinkLocal(String url) {
    assertThat(strict.problem(URI.create(url))).hasValueSatisfying(m -> assertThat(m).contains("check.allowed-networks"));
  }

  @Test
  void theMessageSaysWhatTheHostResolvesTo() {
    assertThat(strict.problem(URI.create("http://localhost:8080/")))
        .hasValueSatisfying(m -> assertThat(m).startsWith("host localhost resolves to ").contains("loopback"));
    assertThat(strict.problem(URI.create("http://10.0.0.1/"))).contains("10.0.0.1 is a private address (allow it with check.allowed-networks)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://93.184.215.14/", "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", "https://no-such-host.invalid/"})
  void allowsPublicAddressesAndUnresolvableHosts(String url) {
    assertThat(strict.problem(URI.create(url))).isEmpty();
  }

  @Test
  void allowListedNetworksPass() {
    AddressCheck allowing =
        AddressCheck.of(
            AddressPolicy.allowing(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.1.0.0/16"), Cidr.parse("::1/128"))),
            Duration.ofSeconds(2));
    assertThat(allowing.problem(URI.create("http://127.0.0.1:9000/"))).isEmpty();
    assertThat(allowing.problem(URI.create("http://10.1.200.3/"))).isEmpty();
    assertThat(allowing.problem(URI.create("http://[::1]/"))).isEmpty();
    assertThat(allowing.problem(URI.create("http://10.2.0.1/"))).isPresent();
  }
}
