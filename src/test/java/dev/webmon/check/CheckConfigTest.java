package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
import dev.webmon.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckConfigTest {
  @Test
  void defaults() {
    CheckConfig c = CheckConfig.from(Settings.of(Map.of()));
    assertThat(c.allowedNetworks()).isEmpty();
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(c.userAgent()).startsWith("webmon/");
    assertThat(c.maxRedirectsCap()).isEqualTo(10);
  }

  @Test
  void allowedNetworksParseAsCidrBlocks() {
    CheckConfig c = CheckConfig.from(Settings.of(Map.of("check.allowed-networks", " 127.0.0.0/8, ::1 ,10.20.0.0/16,")));
    assertThat(c.allowedNetworks()).extracting(AllowedNetwork::toString).containsExactly("127.0.0.0/8", "0:0:0:0:0:0:0:1/128", "10.20.0.0/16");
  }

  @Test
  void anAllowedNetworkMayNameOnePort() {
    CheckConfig c = CheckConfig.from(Settings.of(Map.of("check.allowed-networks", "127.0.0.1/32:8081,fd00::/64:443")));
    assertThat(c.allowedNetworks()).extracting(AllowedNetwork::port).containsExactly(8081, 443);
    assertThat(c.allowedNetworks()).extracting(AllowedNetwork::toString).containsExactly("127.0.0.1/32:8081", "fd00:0:0:0:0:0:0:0/64:443");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "check.allowed-networks; 10.1.0.0/8; did you mean 10.0.0.0/8",
        "check.allowed-networks; intranet; not an IP address",
        "check.allowed-networks; 127.0.0.1/32:0; not within 1-65535",
        "check.allowed-networks; 127.0.0.1/32:70000; not within 1-65535",
        "check.connect-timeout; 0s; duration",
        "check.connect-timeout; soon; duration",
        "check.max-body-bytes; 10; size",
        "check.max-body-bytes; 1TiB; ",
        "check.user-agent; agent-\u00e9; printable",
        "check.max-redirects-cap; 99; integer"
      })
  void badValuesNameTheKey(String key, String value, String hint) {
    assertThatThrownBy(() -> CheckConfig.from(Settings.of(Map.of(key, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(hint == null ? "" : hint);
  }
}
