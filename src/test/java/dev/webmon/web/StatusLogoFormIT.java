package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A status page's logo set from the UI: the page form is multipart, its file's type is sniffed
 * from its bytes (PNG, JPEG, GIF or WebP, at most 64 KiB; no SVG), a bad file is refused with the
 * message next to the field and nothing stored, and "remove the logo" removes it. Multipart stays
 * closed to anonymous callers and to every other route.
 */
@ExtendWith(WebExtension.class)
class StatusLogoFormIT {
  private static final String SLUG = "logo-form";
  private static final String FORM = "/status-pages/" + SLUG;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void theLogoIsUploadedCheckedAndRemovedThroughThePageForm(WebFixture web) throws Exception {
    StatusPageIT.created(web.post("/api/v1/status-pages", "{\"slug\":\"" + SLUG + "\",\"title\":\"Logo page\"}"));
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String edit = ui.get(FORM + "/edit").body();
    assertThat(edit)
        .contains("enctype=\"multipart/form-data\"")
        .contains("<input type=\"file\" id=\"logo\" name=\"logo\" accept=\"image/png,image/jpeg,image/gif,image/webp\">")
        .doesNotContain("id=\"remove-logo\"");
    String csrf = UiClient.csrf(edit);

    // A good PNG, sent as "application/octet-stream" by the client: stored as image/png.
    byte[] png = png();
    HttpResponse<String> ok = ui.postMultipart(FORM, fields(csrf, "Logo page"), Map.of("logo", Map.entry("logo.png", png)));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
    assertLogo(web, png, "image/png");
    String publicPage = anonymous(web, "/status/" + SLUG).body();
    assertThat(publicPage).contains("<img class=\"sp-logo\" src=\"/status/" + SLUG + "/logo\" alt=\"\">");
    assertThat(ui.get(FORM + "/edit").body()).contains("id=\"logo-preview\"", "id=\"remove-logo\"");

    // Refused, each with the message next to the field; the title sent with it is not stored either.
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8);
    assertRefused(web, ui, csrf, Map.of("logo", Map.entry("logo.svg", svg)), false, "is not a PNG, JPEG, GIF or WebP image", png);
    byte[] big = Arrays.copyOf(png, 64 * 1024 + 1);
    assertRefused(web, ui, csrf, Map.of("logo", Map.entry("big.png", big)), false, "must be at most 64 KiB; the file is 65537 bytes", png);
    assertRefused(web, ui, csrf, Map.of("logo", Map.entry("empty.png", new byte[0])), false, "the file is empty", png);
    assertRefused(web, ui, csrf, Map.of("logo", Map.entry("logo.png", png)), true, "choose a new file or remove the logo, not both", png);
    // Over the multipart limit: refused before it is read (on its Content-Length; the client waits
    // for 100 Continue, or the server's early answer could race the upload it does not read).
    HttpResponse<String> huge =
        ui.postMultipart(
            FORM, fields(csrf, "Changed"), Map.of("logo", Map.entry("huge.png", Arrays.copyOf(png, Access.MAX_MULTIPART_BYTES + 1))), true);
    assertThat(huge.statusCode()).isEqualTo(413);
    assertLogo(web, png, "image/png");

    // The type comes from the bytes: a WebP named .png is stored as image/webp.
    byte[] webp = "RIFF\u0010\0\0\0WEBPVP8 \u0004\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(ui.postMultipart(FORM, fields(csrf, "Logo page"), Map.of("logo", Map.entry("really.png", webp))).statusCode()).isEqualTo(303);
    assertLogo(web, webp, "image/webp");

    // No file chosen (the browser sends an empty part without a name): the logo stays.
    assertThat(ui.postMultipart(FORM, fields(csrf, "Renamed"), Map.of("logo", Map.entry("", new byte[0]))).statusCode()).isEqualTo(303);
    assertLogo(web, webp, "image/webp");
    assertThat(web.queryLong("SELECT count(*) FROM status_page WHERE slug = '" + SLUG + "' AND title = 'Renamed'")).isOne();

    // Remove the logo.
    Map<String, String> remove = fields(csrf, "Renamed");
    remove.put("removeLogo", "on");
    assertThat(ui.postMultipart(FORM, remove, Map.of()).statusCode()).isEqualTo(303);
    assertThat(anonymous(web, "/status/" + SLUG + "/logo").statusCode()).isEqualTo(404);
    assertThat(web.queryLong("SELECT count(*) FROM status_page WHERE slug = '" + SLUG + "' AND logo IS NULL AND logo_type IS NULL")).isOne();
    assertThat(anonymous(web, "/status/" + SLUG).body()).doesNotContain("sp-logo");
  }

  @Test
  void multipartNeedsACallerAndStaysClosedElsewhere(WebFixture web) throws Exception {
    StatusPageIT.created(web.post("/api/v1/status-pages", "{\"slug\":\"logo-closed\",\"title\":\"Closed\"}"));
    Map<String, Map.Entry<String, byte[]>> file = Map.of("logo", Map.entry("logo.png", png()));
    UiClient stranger = new UiClient(web.base());
    HttpResponse<String> anonymous = stranger.postMultipart("/status-pages/logo-closed", Map.of("title", "Taken over"), file);
    assertThat(anonymous.statusCode()).isIn(302, 303, 401);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    HttpResponse<String> noCsrf = ui.postMultipart("/status-pages/logo-closed", Map.of("title", "Taken over"), file);
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    String csrf = UiClient.csrf(ui.get("/status-pages/logo-closed/edit").body());
    HttpResponse<String> elsewhere = ui.postMultipart("/status-pages/logo-closed/posts", Map.of("_csrf", csrf, "title", "t", "status", "resolved", "body", "b"), file);
    assertThat(elsewhere.statusCode()).isEqualTo(415);
    assertThat(web.queryLong("SELECT count(*) FROM status_page WHERE slug = 'logo-closed' AND title = 'Closed' AND logo IS NULL")).isOne();
    assertThat(web.queryLong("SELECT count(*) FROM status_post WHERE page_slug = 'logo-closed'")).isZero();
  }

  private void assertRefused(
      WebFixture web, UiClient ui, String csrf, Map<String, Map.Entry<String, byte[]>> files, boolean remove, String message, byte[] kept)
      throws Exception {
    Map<String, String> form = fields(csrf, "Changed");
    if (remove) {
      form.put("removeLogo", "on");
    }
    HttpResponse<String> r = ui.postMultipart(FORM, form, files);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("aria-describedby=\"logo-error\"").containsPattern("<p class=\"error\" id=\"logo-error\">[^<]*" + message);
    assertThat(r.body()).contains("<li><strong>logo</strong>");
    assertLogo(web, kept, "image/png");
    assertThat(web.queryLong("SELECT count(*) FROM status_page WHERE title = 'Changed'")).isZero();
  }

  private void assertLogo(WebFixture web, byte[] bytes, String type) throws IOException, InterruptedException {
    HttpResponse<byte[]> logo =
        http.send(HttpRequest.newBuilder(URI.create(web.base() + "/status/" + SLUG + "/logo")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(logo.statusCode()).isEqualTo(200);
    assertThat(logo.headers().firstValue("Content-Type").orElse("")).startsWith(type + ";");
    assertThat(logo.body()).isEqualTo(bytes);
  }

  private HttpResponse<String> anonymous(WebFixture web, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(web.base() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> fields(String csrf, String title) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", csrf);
    form.put("title", title);
    form.put("description", "");
    form.put("visibility", "public");
    return form;
  }

  /** A real 8×8 PNG. */
  static byte[] png() throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 3, 0x2a7ae2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
