package dev.webmon.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Login posts without a cookie jar: one login-form token reused, an optional X-Forwarded-For. */
final class LoginAttempts {
  private static final Pattern LOGIN = Pattern.compile("name=\"_login\" value=\"([^\"]+)\"");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  LoginAttempts(String base) {
    this.base = base;
    this.token = formToken();
  }

  /** Posts the login form; returns the status (303 logged in, 401 wrong, 429 throttled). */
  int attempt(String user, String password, Optional<String> forwardedFor) {
    String body =
        "_login=" + token + "&next=%2Ftargets&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/login"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", Access.LOGIN_COOKIE + "=" + token)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    forwardedFor.ifPresent(f -> b.header("X-Forwarded-For", f));
    return send(b.build()).statusCode();
  }

  private String formToken() {
    HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build());
    Matcher m = LOGIN.matcher(form.body());
    if (!m.find()) {
      throw new AssertionError("no login token in " + form.body());
    }
    return m.group(1);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
