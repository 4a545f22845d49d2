package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusPageRoutesTest {
  @Test
  void theFeedLinksUseThePublicUrlWhenSetElseTheRequest() {
    assertThat(StatusPageRoutes.base(Optional.empty(), "http", "10.0.0.5:8080")).isEqualTo("http://10.0.0.5:8080");
    assertThat(StatusPageRoutes.base(Optional.of(URI.create("https://status.example.com/")), "http", "10.0.0.5:8080"))
        .isEqualTo("https://status.example.com");
    assertThat(StatusPageRoutes.base(Optional.of(URI.create("https://example.com/webmon")), "http", "evil.example"))
        .isEqualTo("https://example.com/webmon");
  }
}
