package dev.webmon.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class DemoInboxTest {
  private static String sign(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> post(HttpClient http, URI url, String body, String signature) throws Exception {
    return http.send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "7d444840-9dc0-11d1-b245-5ffdce74fad2:1:demo-inbox")
            .header("X-Webmon-Signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void keepsTheLastFiftyAndShowsThemEscapedWithTheSignatureChecked() throws Exception {
    try (DemoServer demo = DemoServer.start(); HttpClient http = HttpClient.newHttpClient()) {
      URI inbox = demo.inboxUrl();
      assertThat(inbox.toString()).isEqualTo("http://127.0.0.1:" + demo.port() + "/inbox");
      String empty = http.send(HttpRequest.newBuilder(inbox).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(empty).contains("Nothing yet");

      String secret = demo.inboxSecret().reveal();
      String evil = "{\"message\":{\"subject\":\"<script>alert(1)</script>\"},\"n\":0}";
      assertThat(post(http, inbox, evil, sign(secret, evil)).statusCode()).isEqualTo(204);
      assertThat(post(http, inbox, "not json <b>", "sha256=00").statusCode()).isEqualTo(204);
      String page = http.send(HttpRequest.newBuilder(inbox).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(page)
          .contains("Idempotency-Key: 7d444840-9dc0-11d1-b245-5ffdce74fad2:1:demo-inbox")
          .contains("X-Webmon-Signature: " + sign(secret, evil))
          .contains("Signature valid", "Signature missing or not valid")
          .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "not json &lt;b&gt;")
          .contains("&quot;subject&quot; : ") // pretty-printed
          .doesNotContain("<script>", "<b>");
      assertThat(page.indexOf("not json")).as("newest first").isLessThan(page.indexOf("alert(1)"));

      for (int i = 1; i <= DemoInbox.KEPT; i++) {
        String body = "{\"n\":" + i + "}";
        post(http, inbox, body, sign(secret, body));
      }
      page = http.send(HttpRequest.newBuilder(inbox).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(page).contains("&quot;n&quot; : 50", "&quot;n&quot; : 1\n").doesNotContain("alert(1)", "not json");

      assertThat(http.send(HttpRequest.newBuilder(URI.create(inbox + "/other")).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode()).isEqualTo(404);
      assertThat(http.send(HttpRequest.newBuilder(inbox).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(405);
    }
  }

  @Test
  void thePageCarriesTheSecurityHeaders() throws Exception {
    try (DemoServer demo = DemoServer.start(); HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(demo.inboxUrl()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("default-src 'none'", "frame-ancestors 'none'")
          .doesNotContain("script-src");
      assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    }
  }
}
