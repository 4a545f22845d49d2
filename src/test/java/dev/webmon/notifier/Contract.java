package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Assertions shared by the channel contract tests. */
final class Contract {
  /** The incident page every notification of {@link Incidents} links to. */
  static final String LINK = "https://webmon.example.com/incidents/" + Incidents.ID;

  private Contract() {}

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The request is a POST of exactly {@code expectedJson} (as JSON: order of fields aside) to
   * {@code path}, with exactly the headers the client always sends, {@code Content-Type:
   * application/json} and {@code extraHeaders}.
   */
  static void assertPostJson(Receiver.Request r, String path, String expectedJson, Map<String, String> extraHeaders) {
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.pathAndQuery()).isEqualTo(path);
    Map<String, String> expected = new TreeMap<>();
    expected.put("content-type", "application/json");
    extraHeaders.forEach((k, v) -> expected.put(k.toLowerCase(Locale.ROOT), v));
    assertHeaders(r, expected);
    assertThat(json(r.text())).isEqualTo(json(expectedJson.replace("$LINK", LINK)));
  }

  static void assertPostJson(Receiver.Request r, String path, String expectedJson) {
    assertPostJson(r, path, expectedJson, Map.of());
  }

  /** Exactly {@code expected} (lower-case names) besides Host, Content-Length and User-Agent. */
  static void assertHeaders(Receiver.Request r, Map<String, String> expected) {
    Map<String, String> actual = new TreeMap<>(r.headers());
    assertThat(actual.remove("host")).startsWith("127.0.0.1:");
    assertThat(actual.remove("content-length")).isEqualTo(Integer.toString(r.body().length));
    assertThat(actual.remove("user-agent")).isEqualTo(HttpDelivery.USER_AGENT);
    assertThat(actual).isEqualTo(new TreeMap<>(expected));
  }
}
