package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
import dev.webmon.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WebConfigTest {
  private static Map<String, String> valid() {
    Map<String, String> m = new HashMap<>();
    m.put("web.admin-password", "long enough pw");
    m.put("web.api-token", "0123456789abcdef0123");
    return m;
  }

  @Test
  void defaults() {
    WebConfig c = WebConfig.from(Settings.of(valid()));
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.openReads()).isFalse();
    assertThat(c.sessionTimeout()).isEqualTo(Duration.ofHours(12));
    assertThat(c.cookieSecure()).isEqualTo(WebConfig.CookieSecure.AUTO);
    assertThat(c.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.trustedProxies()).as("X-Forwarded-For ignored").isEmpty();
    assertThat(c.toString()).doesNotContain("long enough pw").doesNotContain("0123456789abcdef0123");
  }

  @Test
  void trustedProxiesAreAListOfCidrBlocks() {
    Map<String, String> m = valid();
    m.put("web.trusted-proxies", " 10.0.0.0/8, fd00::/8 ,192.0.2.1");
    assertThat(WebConfig.from(Settings.of(m)).trustedProxies())
        .containsExactly(
            dev.webmon.check.Cidr.parse("10.0.0.0/8"), dev.webmon.check.Cidr.parse("fd00::/8"), dev.webmon.check.Cidr.parse("192.0.2.1/32"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "web.port|70000|web.port",
        "web.port|http|web.port",
        "web.bind-address|not an address!|web.bind-address",
        "web.open-reads|maybe|web.open-reads",
        "web.session-timeout|1m|web.session-timeout",
        "web.session-timeout|90d|web.session-timeout",
        "web.cookie-secure|sometimes|web.cookie-secure",
        "web.trusted-proxies|proxy.example.com|web.trusted-proxies",
        "web.trusted-proxies|10.1.2.3/8|web.trusted-proxies",
        "web.trusted-proxies|10.0.0.0/33|web.trusted-proxies",
        "web.publish-timeout|0s|web.publish-timeout",
        "web.publish-timeout|10m|web.publish-timeout",
        "web.admin-password|abc12|web.admin-password",
        "web.api-token|tooshort|web.api-token",
        "web.api-token|has spaces in the token value|web.api-token"
      })
  void aBadValueFailsNamingTheKeyWithoutEchoingSecrets(String key, String value, String named) {
    Map<String, String> m = valid();
    m.put(key, value);
    assertThatThrownBy(() -> WebConfig.from(Settings.of(m)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(named)
        .satisfies(e -> {
          if (key.equals("web.admin-password") || key.equals("web.api-token")) {
            assertThat(e.getMessage()).doesNotContain(value);
          }
        });
  }

  @Test
  void missingSecretsAreNamed() {
    assertThatThrownBy(() -> WebConfig.from(Settings.of(Map.of("web.api-token", "0123456789abcdef0123"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("web.admin-password")
        .hasMessageContaining("WEBMON_WEB_ADMIN_PASSWORD");
    assertThatThrownBy(() -> WebConfig.from(Settings.of(Map.of("web.admin-password", "long enough pw"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("web.api-token");
  }

  @Test
  void aPasswordBcryptWouldTruncateIsRefused() {
    Map<String, String> m = valid();
    m.put("web.admin-password", "p".repeat(73));
    assertThatThrownBy(() -> WebConfig.from(Settings.of(m))).hasMessageContaining("web.admin-password").hasMessageContaining("72 bytes");
  }

  @Test
  void aBcryptHashIsAcceptedAsThePassword() {
    Map<String, String> m = valid();
    String hash = PasswordHasher.hash("x");
    m.put("web.admin-password", hash);
    assertThat(WebConfig.from(Settings.of(m)).adminPassword().reveal()).isEqualTo(hash);
  }
}
