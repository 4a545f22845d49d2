package dev.webmon.bench;

import com.google.re2j.Pattern;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The JDK's {@link HttpClient} doing the same work as a check: one shared client, HTTP/1.1,
 * {@code Connection: close} (a fresh connection per request, which needs
 * {@code -Djdk.httpclient.allowRestrictedHeaders=connection}, set by {@link CheckerBench} before
 * the client class loads), status check and RE2J match on the body.
 */
final class JdkHttpClient implements BenchClient {
  private final HttpClient client;
  private final HttpRequest request;
  private final Optional<Pattern> pattern;

  JdkHttpClient(URI url, Optional<String> regex) {
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    request =
        HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Connection", "close").GET().build();
    pattern = regex.map(Pattern::compile);
  }

  @Override
  public String name() {
    return "jdk-httpclient";
  }

  @Override
  public boolean check() {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      boolean statusOk = r.statusCode() >= 200 && r.statusCode() < 400;
      return statusOk && pattern.map(p -> p.matcher(r.body()).find()).orElse(true);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
