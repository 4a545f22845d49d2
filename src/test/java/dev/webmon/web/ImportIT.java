package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.Targets;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The YAML import is all or nothing: an entry that fails changes nothing, a large export round
 * trips, and YAML that would be silently misread (aliases, duplicate keys, a second document) is
 * refused with a 400.
 */
@ExtendWith(WebExtension.class)
class ImportIT {

  @Test
  void aMaskedHeaderForATargetThatDoesNotExistFailsTheWholeImport(WebFixture web) {
    String yaml =
        """
        targets:
          - name: first is fine
            url: https://atomic-first.example.com/
          - name: masked but new
            url: https://atomic-second.example.com/
            headers:
              X-Api-Key: "******"
        """;
    WebFixture.Response r = refused(web, yaml, "targets[1].headers.X-Api-Key");
    assertThat(r.json().get("fields").toString()).doesNotContain("targets[0]");
  }

  @Test
  void aLaterEntryMatchingTwoStoredTargetsFailsTheWholeImport(WebFixture web) throws Exception {
    try (Connection c = web.db.getConnection()) {
      for (String id : List.of("twin1", "twin2")) {
        new Targets().upsert(c, TargetSpec.builder(id, "https://twins.example.com/").name("twin").updatedAt(Instant.now()).build());
      }
    }
    String yaml =
        """
        - url: https://before-twins.example.com/
        - name: twin
          url: https://twins.example.com/
          intervalSeconds: 300
        """;
    try {
      refused(web, yaml, "targets[1].url");
    } finally {
      web.execute("DELETE FROM target WHERE id IN ('twin1', 'twin2')");
    }
  }

  @Test
  void aTargetBeingChangedElsewhereFailsTheWholeImportWith409(WebFixture web) {
    String id = web.post("/api/v1/targets", "{\"url\":\"https://leased.example.com/\",\"name\":\"leased\"}").json().get("id").asText();
    // Another web instance is publishing a change of this target right now.
    web.execute("UPDATE target SET reserved_version = 2, lease_until = now() + interval '1 minute' WHERE id = ?", id);
    try {
      String yaml =
          """
          - url: https://leased-new.example.com/
          - name: leased
            url: https://leased.example.com/
            intervalSeconds: 300
          """;
      long rows = web.targetRows();
      long offset = web.topicEndOffset();
      WebFixture.Response r = importYaml(web, yaml);
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.header("Retry-After")).contains("1");
      assertThat(web.targetRows()).isEqualTo(rows);
      assertThat(web.topicEndOffset()).isEqualTo(offset);
    } finally {
      web.execute("DELETE FROM target WHERE id = ?", id);
    }
  }

  @Test
  void tenThousandTargetsExportAndImportBackUnchanged(WebFixture web) throws Exception {
    EventCodec codec = new EventCodec();
    int count = 10_000;
    try (Connection c = web.db.getConnection();
        Targets.Upserts upserts = new Targets().upserts(c)) {
      for (int i = 0; i < count; i++) {
        TargetSpec spec =
            TargetSpec.builder(String.format("bulk%05d", i), "https://bulk-" + i + ".example.com/status/health?probe=" + i)
                .name("bulk target number " + i + " of the round trip")
                .interval(Duration.ofMinutes(5))
                .mustMatch("(ok|healthy|up) and more text to match " + i)
                .headers(Map.of("Accept", "application/json", "X-Request-Source", "webmon round trip test " + i))
                .tags(List.of("bulk", "round-trip", "group-" + (i % 17)))
                .updatedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .build();
        upserts.add(spec, new String(codec.encode(spec), StandardCharsets.UTF_8));
      }
      upserts.executeBatch();
    }
    WebFixture.Response export = web.get("/api/v1/targets/export");
    assertThat(export.status()).isEqualTo(200);
    // Beyond SnakeYAML's default code-point limit (3 MiB), within the body limit.
    assertThat(export.body().length()).isGreaterThan(3 * 1024 * 1024).isLessThan(Json.MAX_BODY_BYTES);
    long offset = web.topicEndOffset();

    WebFixture.Response back = importYaml(web, export.body());
    assertThat(back.status()).as(back.body().substring(0, Math.min(500, back.body().length()))).isEqualTo(200);
    assertThat(back.json().get("unchanged").asLong()).isGreaterThanOrEqualTo(count);
    assertThat(back.json().get("created").asLong()).isZero();
    assertThat(back.json().get("updated").asLong()).isZero();
    assertThat(web.topicEndOffset()).isEqualTo(offset);
  }

  @Test
  void aliasesAreRefused(WebFixture web) {
    String yaml =
        """
        targets:
          - name: &n anchored
            url: https://alias-one.example.com/
          - name: *n
            url: https://alias-two.example.com/
        """;
    WebFixture.Response r = refused(web, yaml, "body");
    assertThat(r.json().get("message").asText()).contains("anchor").contains("not supported");
    String merge =
        """
        defaults: &d {intervalSeconds: 300}
        targets:
          - <<: *d
            url: https://alias-three.example.com/
        """;
    assertThat(refused(web, merge, "body").json().get("message").asText()).contains("not supported");
  }

  @Test
  void duplicateKeysAreRefused(WebFixture web) {
    String yaml =
        """
        targets:
          - url: https://dup-one.example.com/
            intervalSeconds: 60
            intervalSeconds: 600
        """;
    WebFixture.Response r = refused(web, yaml, "body");
    assertThat(r.json().get("message").asText()).contains("intervalSeconds");
  }

  @Test
  void aSecondDocumentIsRefused(WebFixture web) {
    String yaml =
        """
        targets:
          - url: https://doc-one.example.com/
        ---
        targets:
          - url: https://doc-two.example.com/
        """;
    WebFixture.Response r = refused(web, yaml, "body");
    assertThat(r.json().get("message").asText()).contains("more than one YAML document");
  }

  private static WebFixture.Response refused(WebFixture web, String yaml, String field) {
    long rows = web.targetRows();
    long offset = web.topicEndOffset();
    WebFixture.Response r = importYaml(web, yaml);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode body = r.json();
    List<String> fields = new ArrayList<>();
    body.get("fields").forEach(f -> fields.add(f.get("field").asText()));
    assertThat(fields).as(r.body()).contains(field);
    assertThat(web.targetRows()).as("rows in PostgreSQL").isEqualTo(rows);
    assertThat(web.topicEndOffset()).as("records in the targets topic").isEqualTo(offset);
    return r;
  }

  private static WebFixture.Response importYaml(WebFixture web, String yaml) {
    return web.send("POST", "/api/v1/targets/import", Optional.of(WebFixture.TOKEN), Optional.of(yaml), "application/yaml");
  }
}
