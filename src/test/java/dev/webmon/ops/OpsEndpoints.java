package dev.webmon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a test asks of a component's operations endpoint, as an operator's curl would. */
public final class OpsEndpoints {
  private static final Pattern LOGGED = Pattern.compile(" metrics on (http://\\S+)/metrics");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the three paths answered. */
  public record Answers(String metrics, JsonNode health, JsonNode ready) {}

  private OpsEndpoints() {}

  /** The base URL from the "... metrics on http://host:port/metrics" line a command logs. */
  public static Optional<String> loggedUrl(String output) {
    Matcher m = LOGGED.matcher(output);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * {@code /metrics} answers 200 with text promtool accepts, {@code /health} 200 (UP), and {@code
   * /ready} 200 within {@code readyWithin}; each health document names {@code component}.
   */
  public static Answers assertServes(String baseUrl, String component, Duration readyWithin) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> metrics = get(http, baseUrl + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      Promtool.assertValid(metrics.body());
      HttpResponse<String> health = get(http, baseUrl + "/health");
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      JsonNode live = JSON.readTree(health.body());
      assertThat(live.get("component").asText()).isEqualTo(component);
      assertThat(live.get("status").asText()).isEqualTo("UP");
      HttpResponse<String> ready =
          await("%s ready".formatted(component))
              .atMost(readyWithin)
              .pollInterval(Duration.ofMillis(250))
              .until(() -> get(http, baseUrl + "/ready"), r -> r.statusCode() == 200);
      JsonNode readyJson = JSON.readTree(ready.body());
      assertThat(readyJson.get("ready").asBoolean()).isTrue();
      assertThat(readyJson.get("component").asText()).isEqualTo(component);
      return new Answers(metrics.body(), live, readyJson);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
