package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.check.AddressPolicy;
import dev.webmon.event.TargetSpec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TargetValidatorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final TargetValidator validator = new TargetValidator(AddressPolicy.allowingAll());

  private TargetSpec spec(String json) throws Exception {
    return validator.toSpec(
        TargetRequest.fromJson(Json.MAPPER.readTree(json), ""), "abc", 1, NOW, "");
  }

  @Test
  void defaultsFillTheOptionalFields() throws Exception {
    TargetSpec s = spec("{\"url\":\"https://example.com/api/health\"}");
    assertThat(s.name()).isEqualTo("example.com/api/health");
    assertThat(s.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.method()).isEqualTo("GET");
    assertThat(s.expectedStatus().format()).isEqualTo("200-399");
    assertThat(s.updatedAt()).isEqualTo(NOW);
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    assertThatThrownBy(() -> spec("{\"url\":\"ftp://x\",\"intervalSeconds\":1,\"regex\":\"(\",\"method\":\"BREW\",\"tags\":[\"a b\"]}"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("url", "intervalSeconds", "regex", "method", "tags[0]"));
  }

  @Test
  void theAddressPolicyNamesTheUrl() {
    TargetValidator strict = new TargetValidator(AddressPolicy.allowing(List.of()));
    assertThatThrownBy(
            () -> strict.toSpec(
                TargetRequest.fromJson(Json.MAPPER.readTree("{\"url\":\"http://10.0.0.1/\"}"), "t[0]."), "abc", 1, NOW,
                "t[0]."))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.errors()).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("t[0].url");
            assertThat(f.message()).contains("10.0.0.1").contains("is a private address");
          });
        });
  }

  @Test
  void theMaskKeepsAStoredSensitiveHeader() throws Exception {
    TargetSpec previous =
        TargetSpec.builder("abc", URI.create("https://example.com/")).header("Authorization", "Bearer real").updatedAt(NOW).build();
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree("{\"url\":\"https://example.com/\",\"headers\":{\"authorization\":\"******\"}}");
    TargetSpec next = validator.toSpec(TargetRequest.fromJson(body, ""), "abc", 2, NOW, previous, "");
    assertThat(next.headers()).containsExactly(Map.entry("authorization", "Bearer real"));
    assertThat(TargetValidator.masked(next.headers())).containsExactly(Map.entry("authorization", TargetValidator.MASK));
  }

  @Test
  void formInputIsReadLikeJson() {
    Map<String, List<String>> form =
        Map.of(
            "url", List.of("https://example.com/"),
            "intervalPreset", List.of("custom"),
            "intervalSeconds", List.of("45"),
            "headers", List.of("Accept: text/html\r\nX-Trace:  on "),
            "tags", List.of(" a, b ,,"),
            "timeoutSeconds", List.of("2.5"),
            "regex", List.of(""));
    TargetSpec s = validator.toSpec(TargetRequest.fromForm(form), "abc", 1, NOW, "");
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(s.headers()).containsExactly(Map.entry("Accept", "text/html"), Map.entry("X-Trace", "on"));
    assertThat(s.tags()).containsExactly("a", "b");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.mustMatch()).isEmpty();
  }

  @Test
  void formErrorsGroupByInput() {
    Map<String, String> byInput =
        TargetForm.errorsByField(
            List.of(new FieldError("headers.X-A", "bad"), new FieldError("headers", "line 2"), new FieldError("tags[1]", "dup")));
    assertThat(byInput).containsEntry("headers", "X-A: bad; line 2").containsEntry("tags", "1]: dup".replace("1]", "[1]"));
  }

  /** Whatever the client sends as a URL, the answer is a valid spec or a ValidationException on "url". */
  @Property(tries = 300)
  void arbitraryUrlsNeverCrash(@ForAll @StringLength(max = 300) String url) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("url", url);
    try {
      TargetSpec s = validator.toSpec(TargetRequest.fromJson(body, ""), "abc", 1, NOW, "");
      assertThat(s.url().getScheme()).isIn("http", "https", "HTTP", "HTTPS", "Http", "Https");
    } catch (ValidationException e) {
      assertThat(e.errors()).extracting(FieldError::field).containsOnly("url");
    }
  }

  /** Same for names: valid, or refused naming "name". */
  @Property(tries = 300)
  void arbitraryNamesNeverCrash(@ForAll @StringLength(max = 250) String name) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("url", "https://example.com/").put("name", name);
    try {
      assertThat(validator.toSpec(TargetRequest.fromJson(body, ""), "abc", 1, NOW, "").name()).isEqualTo(name.strip());
    } catch (ValidationException e) {
      assertThat(e.errors()).extracting(FieldError::field).containsOnly("name");
    }
  }

  @Test
  void credentialCarryingHeadersAreMasked() {
    for (String name : List.of("X-Hub-Signature-256", "X-Amz-Credential", "X-Goog-IAP-JWT-Assertion", "X-Passphrase", "Authorization",
        "X-Api-Key", "Private-Token")) {
      assertThat(TargetValidator.sensitive(name)).as(name).isTrue();
    }
    for (String name : List.of("Accept", "User-Agent", "X-Request-Id", "Content-Type", "Host")) {
      assertThat(TargetValidator.sensitive(name)).as(name).isFalse();
    }
  }
}
