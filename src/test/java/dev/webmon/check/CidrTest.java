package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16);
  }

  @Property
  void aBlockContainsItsOwnAddressAndRoundTripsThroughText(@ForAll("ipv4") byte[] address, @ForAll @IntRange(min = 0, max = 32) int prefix)
      throws Exception {
    Cidr c = Cidr.of(InetAddress.getByAddress(address), prefix);
    assertThat(c.contains(InetAddress.getByAddress(address))).isTrue();
    assertThat(Cidr.parse(c.toString())).isEqualTo(c);
  }

  @Property
  void ipv6BlocksRoundTripToo(@ForAll("ipv6") byte[] address, @ForAll @IntRange(min = 0, max = 128) int prefix) throws Exception {
    // Inet6Address keeps IPv4-mapped bytes as IPv6 only via this factory; Cidr.of works on bytes.
    Cidr c = Cidr.of(java.net.Inet6Address.getByAddress(null, address, -1), prefix);
    assertThat(c.contains(address)).isTrue();
    assertThat(Cidr.parse(c.toString())).isEqualTo(c);
  }

  @Property
  void containmentIsPrefixEquality(@ForAll("ipv4") byte[] a, @ForAll("ipv4") byte[] b, @ForAll @IntRange(min = 0, max = 32) int prefix)
      throws Exception {
    Cidr c = Cidr.of(InetAddress.getByAddress(a), prefix);
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    boolean samePrefix = (toLong(a) & mask) == (toLong(b) & mask);
    assertThat(c.contains(b)).isEqualTo(samePrefix);
  }

  @Property
  void ipv4TextIsParsedLikeTheJdkParsesIt(@ForAll("ipv4") byte[] a) throws Exception {
    String text = InetAddress.getByAddress(a).getHostAddress();
    assertThat(Cidr.parseLiteral(text)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(a));
  }

  @Property
  void ipv6TextIsParsedLikeTheJdkParsesIt(@ForAll("ipv6") byte[] a) throws Exception {
    String text = java.net.Inet6Address.getByAddress(null, a, -1).getHostAddress();
    assertThat(Cidr.parseLiteral(text)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(a));
  }

  @ParameterizedTest
  @CsvSource({"::1,16", "::,16", "fe80::1:2,16", "::ffff:10.0.0.1,16", "2001:db8::8:800:200c:417a,16", "1:2:3:4:5:6:7:8,16", "10.0.0.1,4"})
  void literalsOfBothFamilies(String text, int length) {
    assertThat(Cidr.parseLiteral(text)).hasValueSatisfying(b -> assertThat(b).hasSize(length));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "localhost", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4.5", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "::g", "1.2.3.-4", "[::1]"})
  void nonLiteralsAreNotParsed(String text) {
    assertThat(Cidr.parseLiteral(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "10.1.2.3/8; did you mean 10.0.0.0/8",
        "10.0.0.0/33; prefix length",
        "10.0.0.0/; prefix length",
        "10.0.0.0/x; prefix length",
        "fc00::/129; prefix length",
        "example.com/8; not an IP address",
        "; not an IP address"
      })
  void badBlocksSayWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> Cidr.parse(text == null ? "" : text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  private static long toLong(byte[] a) {
    return ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
  }
}
