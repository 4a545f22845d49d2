package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an unauthenticated client can make the server read: the login form's body is small and must
 * announce its length, and no route takes multipart bodies (Jetty would spool them to disk) but the
 * status page form, and that only from a known caller (StatusLogoFormIT).
 */
@ExtendWith(WebExtension.class)
class RequestLimitsIT {

  @Test
  void aLoginAnnouncingAHugeBodyIsRefusedBeforeItIsSent(WebFixture web) throws IOException {
    String answer =
        raw(
            web,
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 16000000\r\n\r\nuser=admin&password=");
    assertThat(answer).startsWith("HTTP/1.1 413");
  }

  @Test
  void aLoginWithoutALengthIsRefusedBeforeItIsRead(WebFixture web) throws IOException {
    String answer =
        raw(
            web,
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n10\r\nuser=admin&passw\r\n");
    assertThat(answer).startsWith("HTTP/1.1 411");
  }

  @Test
  void aLoginBodyOverTheSmallLimitIs413(WebFixture web) {
    String big = "user=admin&password=" + "x".repeat(64 * 1024);
    WebFixture.Response r = web.send("POST", "/login", Optional.empty(), Optional.of(big), "application/x-www-form-urlencoded");
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    // An ordinary login still works.
    UiClient ui = new UiClient(web.base());
    assertThat(ui.login(WebFixture.PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void multipartIsRefusedEverywhere(WebFixture web) {
    String boundary = "----webmon";
    String multipart =
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nadmin\r\n--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n" + "x".repeat(4096) + "\r\n--" + boundary
            + "--\r\n";
    String type = "multipart/form-data; boundary=" + boundary;
    WebFixture.Response login = web.send("POST", "/login", Optional.empty(), Optional.of(multipart), type);
    assertThat(login.status()).as(login.body()).isEqualTo(415);
    WebFixture.Response api = web.send("POST", "/api/v1/targets", Optional.of(WebFixture.TOKEN), Optional.of(multipart), type);
    assertThat(api.status()).as(api.body()).isEqualTo(415);
    assertThat(api.json().get("error").asText()).isEqualTo("unsupported_media_type");

    long rows = web.targetRows();
    WebFixture.Response page = web.send("POST", "/targets", Optional.empty(), Optional.of(multipart), type);
    assertThat(page.status()).isEqualTo(415);
    assertThat(web.targetRows()).isEqualTo(rows);
  }

  /** Sends {@code request} on a raw connection and returns the start of the answer (5 s at most). */
  private static String raw(WebFixture web, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", web.app.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      try {
        while (got.size() < 12) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        return "no answer within 5 s; got: " + got.toString(StandardCharsets.ISO_8859_1);
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
