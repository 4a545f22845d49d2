package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTest {
  @Test
  void rawHtmlIsEscapedAndOnlyWebAndMailLinksSurvive() {
    String html =
        Markdown.html(
            "<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [d](vbscript:x)"
                + " [e](https://example.com/x) [f](mailto:ops@example.com) <b onclick=\"x()\">bold</b>\n\n![i](https://t.example/p.png)");
    assertThat(html).doesNotContain("<script", "javascript:", "JaVaScRiPt", "data:text", "vbscript", "<b onclick", "t.example");
    assertThat(html).contains("&lt;script&gt;", "href=\"https://example.com/x\"", "href=\"mailto:ops@example.com\"", "alt=\"i\"");
  }

  @Test
  void ordinaryMarkdownRenders() {
    assertThat(Markdown.html("We are **on it**: see [status](https://example.com).\n\n* one\n* two"))
        .contains("<strong>on it</strong>", "href=\"https://example.com\">status</a>", "<li>one</li>");
  }
}
