package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;

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

  /** The request is a POST of exactly {@code expectedJson} (as JSON: order of fields aside) to {@code path}. */
  static void assertPostJson(Receiver.Request r, String path, String expectedJson) {
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.pathAndQuery()).isEqualTo(path);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(json(r.text())).isEqualTo(json(expectedJson.replace("$LINK", LINK)));
  }
}
