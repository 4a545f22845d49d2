package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TargetSpecTest {
  private static TargetSpec.Builder base() {
    return TargetSpec.builder("t1", "https://example.com/");
  }

  private static void rejects(UnaryOperator<TargetSpec.Builder> change, String field) {
    assertThatThrownBy(() -> change.apply(base()).build())
        .isInstanceOfSatisfying(
            InvalidEventException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ");
  }

  @Test
  void builderDefaults() {
    TargetSpec t = base().build();
    assertThat(t.name()).isEqualTo("t1");
    assertThat(t.version()).isEqualTo(1);
    assertThat(t.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(t.expectedStatus()).isEqualTo(StatusRanges.DEFAULT);
    assertThat(t.method()).isEqualTo("GET");
    assertThat(t.headers()).isEmpty();
    assertThat(t.body()).isEmpty();
    assertThat(t.mustMatch()).isEmpty();
    assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.maxRedirects()).isEqualTo(5);
    assertThat(t.tags()).isEmpty();
    assertThat(t.updatedAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void toBuilderRoundTrips() {
    TargetSpec t = Samples.target();
    assertThat(t.toBuilder().build()).isEqualTo(t);
    assertThat(t.toBuilder().version(4).build().version()).isEqualTo(4);
    assertThat(t.toBuilder().clearMustMatch().clearBody().build().mustMatch()).isEmpty();
  }

  @Test
  void boundariesAreInclusive() {
    TargetSpec t =
        base()
            .interval(Duration.ofSeconds(10))
            .timeout(Duration.ofMillis(100))
            .maxRedirects(0)
            .name("n".repeat(200))
            .build();
    assertThat(t.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(base().interval(Duration.ofDays(1)).timeout(Duration.ofSeconds(120)).maxRedirects(20)
            .build().maxRedirects()).isEqualTo(20);
    assertThat(TargetSpec.builder("a".repeat(64), "http://x.example").build().id()).hasSize(64);
  }

  @Test
  void rejectsInvalidFields() {
    assertThatThrownBy(() -> TargetSpec.builder("bad id", "http://x").build())
        .hasMessageStartingWith("id: ");
    assertThatThrownBy(() -> TargetSpec.builder("a".repeat(65), "http://x").build())
        .hasMessageStartingWith("id: ");
    assertThatThrownBy(() -> TargetSpec.builder("", "http://x").build())
        .hasMessageStartingWith("id: ");
    assertThatThrownBy(() -> TargetSpec.builder(null, "http://x").build())
        .hasMessageStartingWith("id: ");
    assertThatThrownBy(() -> TargetSpec.builder("a", "http://bad host/").build())
        .hasMessageStartingWith("url: ");
    rejects(b -> b.version(0), "version");
    rejects(b -> b.name(""), "name");
    rejects(b -> b.name("n".repeat(201)), "name");
    rejects(b -> b.name("a\nb"), "name");
    rejects(b -> b.name("\uD800"), "name");
    rejects(b -> b.url(URI.create("ftp://example.com/")), "url");
    rejects(b -> b.url(URI.create("mailto:a@example.com")), "url");
    rejects(b -> b.url(URI.create("/relative")), "url");
    rejects(b -> b.url(URI.create("https://u:p@example.com/")), "url");
    rejects(b -> b.url(URI.create("https://example.com/" + "a".repeat(2048))), "url");
    rejects(b -> b.url(null), "url");
    rejects(b -> b.interval(Duration.ofMillis(9_999)), "interval");
    rejects(b -> b.interval(Duration.ofDays(1).plusNanos(1)), "interval");
    rejects(b -> b.timeout(Duration.ofMillis(99)), "timeout");
    rejects(b -> b.timeout(Duration.ofSeconds(121)), "timeout");
    rejects(b -> b.mustMatch("(a"), "mustMatch");
    rejects(b -> b.mustMatch("(?<=look)behind"), "mustMatch"); // not RE2
    rejects(b -> b.mustNotMatch(""), "mustNotMatch");
    rejects(b -> b.mustNotMatch("x".repeat(1001)), "mustNotMatch");
    rejects(b -> b.method("TRACE"), "method");
    rejects(b -> b.method(null), "method");
    rejects(b -> b.maxRedirects(-1), "maxRedirects");
    rejects(b -> b.maxRedirects(21), "maxRedirects");
    rejects(b -> b.body("b".repeat(8193)), "body");
    rejects(b -> b.body("nul\0byte"), "body");
    rejects(b -> b.mustMatch("a\0b"), "mustMatch");
    rejects(b -> b.mustNotMatch("\0"), "mustNotMatch");
    rejects(b -> b.updatedAt(Instant.parse("1969-12-31T23:59:59Z")), "updatedAt");
    rejects(b -> b.expectedStatus((StatusRanges) null), "expectedStatus");
  }

  @Test
  void headerRules() {
    rejects(b -> b.header("X-A", "a\r\nInjected: 1"), "headers.X-A");
    rejects(b -> b.header("X-A", "caf\u00e9"), "headers.X-A");
    rejects(b -> b.header("X-A", "v".repeat(1025)), "headers.X-A");
    rejects(b -> b.header("Bad Name", "v"), "headers");
    rejects(b -> b.header("", "v"), "headers");
    rejects(b -> b.header("host", "v"), "headers.host");
    rejects(b -> b.header("Content-Length", "1"), "headers.Content-Length");
    rejects(b -> b.header("Accept", "a").header("ACCEPT", "b"), "headers.ACCEPT");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 51; i++) {
      many.put("X-" + i, "v");
    }
    rejects(b -> b.headers(many), "headers");
    TargetSpec ok = base().header("Authorization", "Bearer t\tok").header("X-Empty", "").build();
    assertThat(ok.headers()).containsEntry("X-Empty", "");
  }

  @Test
  void tagRules() {
    rejects(b -> b.tag("has space"), "tags[0]");
    rejects(b -> b.tag("a").tag("a"), "tags[1]");
    rejects(b -> b.tag(""), "tags[0]");
    rejects(b -> b.tags(java.util.stream.IntStream.range(0, 21).mapToObj(i -> "t" + i).toList()), "tags");
    assertThat(base().tags(List.of("env=prod", "team:web", "a/b.c")).build().tags()).hasSize(3);
  }

  @Test
  void collectionsAreCopiedAndImmutable() {
    Map<String, String> headers = new HashMap<>(Map.of("Accept", "x"));
    TargetSpec t = base().headers(headers).build();
    headers.put("X-Later", "y");
    assertThat(t.headers()).containsOnlyKeys("Accept");
    assertThatThrownBy(() -> t.headers().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.tags().add("a")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringHidesHeaderValuesAndBody() {
    TargetSpec t = base().header("Authorization", "Bearer s3cret").body("password=hunter2").build();
    assertThat(t.toString())
        .contains("Authorization")
        .doesNotContain("s3cret")
        .doesNotContain("hunter2")
        .contains("16 chars");
  }
}
