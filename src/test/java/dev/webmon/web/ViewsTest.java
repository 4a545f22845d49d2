package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewsTest {
  @Test
  void everyValueIsEscaped() {
    String html =
        new Views()
            .render(
                "error",
                Map.of(
                    "status", 400,
                    "message", "<script>alert(1)</script>",
                    "fields", List.of(new FieldError("\"><b>x", "it's <bad>")),
                    "loggedIn", true,
                    "csrf", "\"><svg onload=alert(1)>",
                    "title", "<title>",
                    "path", "/x"));
    assertThat(html)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&quot;&gt;&lt;b&gt;x")
        .contains("it&#39;s &lt;bad&gt;")
        .contains("value=\"&quot;&gt;&lt;svg onload=alert(1)&gt;\"")
        .doesNotContain("<script>alert")
        .doesNotContain("<svg onload");
  }
}
