package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {
  private static final AddressPolicy STRICT = AddressPolicy.allowing(List.of());

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "10.20.30.40, private",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "169.254.169.254, link-local",
    "100.64.0.1, carrier-grade NAT",
    "0.0.0.0, unspecified",
    "224.0.0.251, multicast",
    "255.255.255.255, broadcast",
    "::1, loopback",
    "::, unspecified",
    "fd00:ec2::254, unique local",
    "fc00::1, unique local",
    "fe80::1, link-local",
    "ff02::1, multicast",
    "64:ff9b::a9fe:a9fe, link-local IPv4 (embedded in IPv6)",
    "2002:7f00:1::, loopback IPv4 (embedded in IPv6)",
    "::a00:1, private IPv4 (embedded in IPv6)"
  })
  void specialAddressesAreRefusedWithTheirKind(String address, String kind) throws Exception {
    InetAddress a = address(address);
    assertThat(STRICT.refusal(a)).hasValueSatisfying(r -> assertThat(r).contains(kind).contains("check.allowed-networks"));
    assertThat(STRICT.allows(a)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "2606:4700::1111", "64:ff9b::808:808"})
  void publicAddressesAreAllowed(String address) throws Exception {
    assertThat(STRICT.refusal(address(address))).isEmpty();
  }

  @Property
  void ipv4MappedAddressesAreJudgedLikeTheirIpv4(@ForAll("ipv4") byte[] v4) throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v4, 0, mapped, 12, 4);
    InetAddress asV6 = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(STRICT.allows(asV6)).isEqualTo(STRICT.allows(InetAddress.getByAddress(v4)));
  }

  @Property
  void theAllowListExemptsExactlyItsBlock(@ForAll("private10") byte[] inside, @ForAll("ipv4") byte[] any) throws Exception {
    AddressPolicy p = AddressPolicy.allowing(List.of(Cidr.parse("10.20.0.0/16")));
    InetAddress a = InetAddress.getByAddress(inside);
    boolean inBlock = inside[1] == 20;
    assertThat(p.allows(a)).isEqualTo(inBlock);
    // The allow-list never refuses what the strict policy allows.
    InetAddress b = InetAddress.getByAddress(any);
    if (STRICT.allows(b)) {
      assertThat(p.allows(b)).isTrue();
    }
  }

  @Property
  void everyAddressIn10Slash8IsRefused(@ForAll("private10") byte[] a) throws Exception {
    assertThat(STRICT.allows(InetAddress.getByAddress(a))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::ffff:127.0.0.1", "127.9.9.9"})
  void testsAllowListLoopback(String address) throws Exception {
    AddressPolicy p = AddressPolicy.fromConfig(CheckConfig.defaults("127.0.0.0/8"));
    assertThat(p.allows(address(address))).isTrue();
    assertThat(p.allows(address("::1"))).as("::1 is not in 127.0.0.0/8").isFalse();
  }

  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> private10() {
    return Combinators.combine(Arbitraries.bytes(), Arbitraries.of((byte) 20, (byte) 21, (byte) 0, (byte) 255), Arbitraries.bytes())
        .as((x, second, y) -> new byte[] {10, second, x, y});
  }

  /** The policy applied to a target's URL (the web app, when a target is created or changed). */
  @Test
  void anEntryWithAPortAllowsOnlyThatPort() throws Exception {
    AddressPolicy p = AddressPolicy.of(List.of(AllowedNetwork.parse("127.0.0.1/32:8081")));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    assertThat(p.refusal(loopback, 8081)).isEmpty();
    assertThat(p.refusal(loopback, 5432)).hasValueSatisfying(m -> assertThat(m).contains("loopback"));
    assertThat(p.refusal(loopback)).as("port unknown: only whole blocks count").isPresent();
    assertThat(p.refusal(URI.create("http://127.0.0.1:8081/x"), Duration.ofSeconds(1))).isEmpty();
    assertThat(p.refusal(URI.create("http://127.0.0.1:9092/"), Duration.ofSeconds(1))).isPresent();
    assertThat(p.refusal(URI.create("http://127.0.0.1/"), Duration.ofSeconds(1))).as("port 80").isPresent();
  }

  @Nested
  class OnUrls {
    private static final Duration DNS = Duration.ofSeconds(2);

    @ParameterizedTest
    @ValueSource(
        strings = {
          "http://127.0.0.1/", "http://127.8.9.1:8080/", "http://[::1]/", "http://10.0.0.1/", "http://172.16.5.4/",
          "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://[fe80::1]/",
          "http://[fd00::1]/", "http://100.64.0.1/", "http://224.0.0.1/", "http://localhost/"
        })
    void blocksLoopbackPrivateAndLinkLocal(String url) {
      assertThat(STRICT.refusal(URI.create(url), DNS)).hasValueSatisfying(m -> assertThat(m).contains("check.allowed-networks"));
    }

    @Test
    void aResolverThatNeverAnswersIsWaitedForOnlyUntilTheDnsTimeout() {
      try (GatedLookup never = new GatedLookup(false)) {
        Resolver hanging = new BoundedLookups(never, 4);
        long start = System.nanoTime();
        assertThat(STRICT.refusal(URI.create("http://hangs.example/"), Duration.ofMillis(200), hanging)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the 200 ms timeout").isLessThan(Duration.ofSeconds(5));
      }
    }

    @Test
    void theMessageSaysWhatTheHostResolvesTo() {
      assertThat(STRICT.refusal(URI.create("http://localhost:8080/"), DNS))
          .hasValueSatisfying(m -> assertThat(m).startsWith("host localhost resolves to ").contains("loopback"));
      assertThat(STRICT.refusal(URI.create("http://10.0.0.1/"), DNS))
          .contains("10.0.0.1 is a private address (allow it with check.allowed-networks)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://93.184.215.14/", "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", "https://no-such-host.invalid/"})
    void allowsPublicAddressesAndUnresolvableHosts(String url) {
      assertThat(STRICT.refusal(URI.create(url), DNS)).isEmpty();
    }

    @Test
    void allowListedNetworksPass() {
      AddressPolicy allowing =
          AddressPolicy.allowing(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.1.0.0/16"), Cidr.parse("::1/128")));
      assertThat(allowing.refusal(URI.create("http://127.0.0.1:9000/"), DNS)).isEmpty();
      assertThat(allowing.refusal(URI.create("http://10.1.200.3/"), DNS)).isEmpty();
      assertThat(allowing.refusal(URI.create("http://[::1]/"), DNS)).isEmpty();
      assertThat(allowing.refusal(URI.create("http://10.2.0.1/"), DNS)).isPresent();
    }

    @Test
    void allowingAllAllowsEveryAddress() {
      AddressPolicy all = AddressPolicy.allowingAll();
      assertThat(all.refusal(URI.create("http://127.0.0.1/"), DNS)).isEmpty();
      assertThat(all.refusal(URI.create("http://[fe80::1]/"), DNS)).isEmpty();
      assertThat(all.allows(address("::ffff:10.0.0.1"))).isTrue();
    }
  }

  private static InetAddress address(String literal) {
    byte[] bytes = Cidr.parseLiteral(literal).orElseThrow();
    try {
      return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
