package dev.webmon.web;

import java.util.Locale;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.UrlSanitizer;

/**
 * Markdown of the status pages' manual posts to HTML, safely: raw HTML in the text (blocks and
 * inline) is escaped, not passed through; links keep only http, https and mailto destinations
 * (anything else, {@code javascript:} included, becomes an empty href); images get no source (a
 * post must not make visitors fetch anything from a third party), so their alt text stays. The
 * output is the one HTML a template writes unescaped. Thread-safe (commonmark's parser and renderer are).
 */
final class Markdown {
  private static final Parser PARSER = Parser.builder().build();
  private static final HtmlRenderer RENDERER =
      HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).urlSanitizer(new Sanitizer()).percentEncodeUrls(true).build();

  private Markdown() {}

  static String html(String markdown) {
    return RENDERER.render(PARSER.parse(markdown));
  }

  /** Whether a link destination is allowed (http, https, mailto; nothing relative or scheme-less). */
  static boolean allowedLink(String url) {
    String u = url.strip().toLowerCase(Locale.ROOT);
    return u.startsWith("https://") || u.startsWith("http://") || u.startsWith("mailto:");
  }

  private static final class Sanitizer implements UrlSanitizer {
    @Override
    public String sanitizeLinkUrl(String url) {
      return allowedLink(url) ? url.strip() : "";
    }

    @Override
    public String sanitizeImageUrl(String url) {
      return "";
    }
  }
}
