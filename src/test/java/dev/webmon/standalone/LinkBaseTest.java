package dev.webmon.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.config.Settings;
import dev.webmon.notifier.NotifierConfig;
import dev.webmon.web.WebConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the links in standalone's notifications point. */
class LinkBaseTest {
  private static final Map<String, String> WEB =
      Map.of("web.admin-password", "correct-horse-battery", "web.api-token", "0123456789abcdef0123");

  private static String base(Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(WEB);
    all.putAll(extra);
    Settings s = Settings.of(all);
    return NotifierConfig.from(Standalone.withLinkBase(s, WebConfig.from(s), "http://localhost:18080")).webBaseUrl().toString();
  }

  @Test
  void theWebAppsOwnAddressThenItsPublicUrlThenTheNotifiersSetting() {
    assertThat(base(Map.of())).isEqualTo("http://localhost:18080/");
    assertThat(base(Map.of("web.public-url", "https://status.example.com/"))).isEqualTo("https://status.example.com/");
    assertThat(base(Map.of("web.public-url", "https://status.example.com/", "notify.web-base-url", "https://ops.example.com/")))
        .isEqualTo("https://ops.example.com/");
  }
}
