package dev.webmon.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser-like HTTP client for the UI: keeps cookies, does not follow redirects. */
final class UiClient {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern LOGIN = Pattern.compile("name=\"_login\" value=\"([^\"]+)\"");

  final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;
  private final String base;

  UiClient(String base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  HttpResponse<String> post(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Posts a multipart form: {@code form}'s fields, then one file part per entry of {@code files} (name → filename and bytes). */
  HttpResponse<String> postMultipart(String path, Map<String, String> form, Map<String, Map.Entry<String, byte[]>> files) {
    return postMultipart(path, form, files, false);
  }

  /**
   * As {@link #postMultipart(String, Map, Map)}; with {@code expectContinue} the body waits for the
   * server's {@code 100 Continue}, so a request the server refuses on its headers alone (413 on the
   * Content-Length) gets that answer instead of a connection the server closed mid-upload.
   */
  HttpResponse<String> postMultipart(
      String path, Map<String, String> form, Map<String, Map.Entry<String, byte[]>> files, boolean expectContinue) {
    String boundary = "----webmon-test-" + Long.toHexString(System.nanoTime());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    form.forEach((name, value) -> ascii(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"));
    files.forEach(
        (name, file) -> {
          ascii(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + file.getKey()
              + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
          body.writeBytes(file.getValue());
          ascii(body, "\r\n");
        });
    ascii(body, "--" + boundary + "--\r\n");
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .expectContinue(expectContinue)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Logs in as admin; returns the response of the login POST. */
  HttpResponse<String> login(String password) {
    HttpResponse<String> form = get("/login");
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("_login", find(LOGIN, form.body()));
    fields.put("next", "/targets");
    fields.put("user", "admin");
    fields.put("password", password);
    return post("/login", fields);
  }

  /** The CSRF token in a page's forms. */
  static String csrf(String html) {
    return find(CSRF, html);
  }

  private static String find(Pattern p, String html) {
    Matcher m = p.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no " + p + " in:\n" + html);
    }
    return m.group(1);
  }
}
