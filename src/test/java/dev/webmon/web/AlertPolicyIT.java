package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alert policies through the API on a real broker and a real PostgreSQL: every change is a record
 * of the alert-policies topic (key = name; a delete a tombstone), the seeded default reaches the
 * topic when the web starts, and targets name policies that exist.
 */
@ExtendWith(WebExtension.class)
class AlertPolicyIT {
  private final EventCodec codec = new EventCodec();

  @BeforeEach
  void defaultIsPublished(WebFixture web) {
    // The migration seeds 'default' in PostgreSQL only; the web app publishes it when it starts.
    await().atMost(Duration.ofSeconds(30)).until(() -> latest(web, "default").isPresent());
  }

  @Test
  void theSeededDefaultIsPublishedOnceAtStart(WebFixture web) {
    List<AlertPolicySpec> versions =
        web.policyRecords().stream().filter(r -> r.key().equals("default")).map(r -> codec.decodePolicy(r.value())).toList();
    AlertPolicySpec seeded = versions.get(0);
    assertThat(seeded.version()).isEqualTo(1);
    assertThat(seeded.fields().isEmpty()).isTrue();
    // Published once: every later record of default is a later version (another test's changes).
    assertThat(versions).extracting(AlertPolicySpec::version).isSorted().doesNotHaveDuplicates();
    assertThat(web.queryLong("SELECT count(*) FROM alert_policy WHERE NOT published")).isZero();
    JsonNode list = web.get("/api/v1/alert-policies").json();
    assertThat(list.get("items").findValuesAsText("name")).contains("default");
  }

  @Test
  void createReadUpdateDeleteArePublishedKeyedByName(WebFixture web) {
    long offset = web.policyTopicEndOffset();
    WebFixture.Response created =
        web.post(
            "/api/v1/alert-policies",
            """
            {"name":"crud","tags":["prod"],"failureThreshold":3,"failuresInWindow":3,"windowSeconds":600,"flapWindowSeconds":900}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("Location")).contains("/api/v1/alert-policies/crud");
    assertThat(created.header("ETag")).contains("\"1\"");
    assertThat(created.json().get("windowSeconds").asLong()).isEqualTo(600);
    assertThat(created.json().has("quorum")).as("an unset field is absent").isFalse();
    assertThat(web.policyTopicEndOffset()).isEqualTo(offset + 1);
    AlertPolicySpec published = codec.decodePolicy(latest(web, "crud").orElseThrow().value());
    assertThat(published.version()).isEqualTo(1);
    assertThat(published.tags()).containsExactly("prod");
    assertThat(published.fields().window()).contains(Duration.ofMinutes(10));
    assertThat(published.fields().flapWindow()).contains(Duration.ofMinutes(15));
    assertThat(web.get("/api/v1/alert-policies/crud").json().get("failureThreshold").asInt()).isEqualTo(3);

    // A second create of the name is a conflict; nothing is published.
    assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"crud\"}").status()).isEqualTo(409);
    assertThat(web.policyTopicEndOffset()).isEqualTo(offset + 1);

    // If-Match: a stale version is refused, the current one accepted.
    String body = "{\"tags\":[\"prod\"],\"failureThreshold\":5}";
    WebFixture.Response stale = web.client.sendWithIfMatch("PUT", "/api/v1/alert-policies/crud", body, "\"7\"");
    assertThat(stale.status()).as(stale.body()).isEqualTo(412);
    WebFixture.Response updated = web.client.sendWithIfMatch("PUT", "/api/v1/alert-policies/crud", body, "\"1\"");
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().get("version").asLong()).isEqualTo(2);
    assertThat(updated.json().has("windowSeconds")).as("PUT replaces: the window is gone").isFalse();
    AlertPolicySpec v2 = codec.decodePolicy(latest(web, "crud").orElseThrow().value());
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.fields().failureThreshold()).contains(5);
    assertThat(v2.fields().window()).isEmpty();
    // The same body again changes nothing and publishes nothing.
    long afterUpdate = web.policyTopicEndOffset();
    assertThat(web.put("/api/v1/alert-policies/crud", body).json().get("version").asLong()).isEqualTo(2);
    assertThat(web.policyTopicEndOffset()).isEqualTo(afterUpdate);

    WebFixture.Response deleted = web.delete("/api/v1/alert-policies/crud");
    assertThat(deleted.status()).isEqualTo(204);
    ConsumerRecord<String, byte[]> tombstone = latest(web, "crud").orElseThrow();
    assertThat(tombstone.value()).as("a tombstone").isNull();
    assertThat(web.get("/api/v1/alert-policies/crud").status()).isEqualTo(404);
    // The name is free again.
    assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"crud\"}").status()).isEqualTo(201);
    assertThat(web.delete("/api/v1/alert-policies/crud").status()).isEqualTo(204);
  }

  @Test
  void defaultCannotBeDeletedAndAPolicyTargetsNameCannotEither(WebFixture web) {
    long offset = web.policyTopicEndOffset();
    WebFixture.Response refused = web.delete("/api/v1/alert-policies/default");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("message").asText()).contains("'default' cannot be deleted");

    assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"in-use\",\"quorum\":2}").status()).isEqualTo(201);
    WebFixture.Response target =
        web.post("/api/v1/targets", "{\"name\":\"Uses policy\",\"url\":\"https://in-use.example.com/\",\"alertPolicy\":\"in-use\"}");
    assertThat(target.status()).as(target.body()).isEqualTo(201);
    assertThat(target.json().get("alertPolicy").asText()).isEqualTo("in-use");
    String id = target.json().get("id").asText();
    long afterCreate = web.policyTopicEndOffset();
    assertThat(afterCreate).isEqualTo(offset + 1);
    WebFixture.Response inUse = web.delete("/api/v1/alert-policies/in-use");
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.json().get("message").asText()).contains("Uses policy").contains(id);
    assertThat(web.policyTopicEndOffset()).isEqualTo(afterCreate);
    assertThat(web.get("/api/v1/alert-policies/in-use").status()).isEqualTo(200);

    // Once no target names it, it goes.
    assertThat(web.put("/api/v1/targets/" + id, "{\"name\":\"Uses policy\",\"url\":\"https://in-use.example.com/\"}").status())
        .isEqualTo(200);
    assertThat(web.delete("/api/v1/alert-policies/in-use").status()).isEqualTo(204);
  }

  @Test
  void targetsCarryTheirPolicyAndOverridesIntoTheTopicAndTheYaml(WebFixture web) {
    assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"strict\",\"failureThreshold\":1}").status()).isEqualTo(201);
    WebFixture.Response created =
        web.post(
            "/api/v1/targets",
            """
            {"name":"Strict shop","url":"https://strict.example.com/","alertPolicy":"strict",
             "alertOverrides":{"failuresInWindow":3,"windowSeconds":300,"degradedAboveMs":1500}}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.json().get("alertOverrides").get("windowSeconds").asLong()).isEqualTo(300);
    List<ConsumerRecord<String, byte[]>> records = web.topicRecords();
    TargetSpec spec =
        codec.decodeTarget(records.stream().filter(r -> r.key().equals(id)).reduce((a, b) -> b).orElseThrow().value());
    assertThat(spec.alertPolicy()).contains("strict");
    assertThat(spec.alertOverrides().window()).contains(Duration.ofMinutes(5));
    assertThat(spec.alertOverrides().degradedAboveMs()).contains(1500L);

    String export = web.get("/api/v1/targets/export").body();
    assertThat(export).contains("alertPolicy: strict").contains("windowSeconds: 300");
    // The export imports back unchanged.
    WebFixture.Response again =
        web.send("POST", "/api/v1/targets/import", Optional.of(WebFixture.TOKEN), Optional.of(export), "application/yaml");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().get("created").asInt()).isZero();
    assertThat(again.json().get("updated").asInt()).isZero();
  }

  @Test
  void anImportNamingAnUnknownPolicyAppliesNothing(WebFixture web) {
    String yaml =
        """
        targets:
          - url: https://import-policy.example.com/a
          - url: https://import-policy.example.com/b
            alertPolicy: not-there
            alertOverrides:
              quorum: 2
        """;
    long rows = web.targetRows();
    long offset = web.topicEndOffset();
    WebFixture.Response r =
        web.send("POST", "/api/v1/targets/import", Optional.of(WebFixture.TOKEN), Optional.of(yaml), "application/yaml");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("fields").findValuesAsText("field")).containsExactly("targets[1].alertPolicy");
    assertThat(web.targetRows()).isEqualTo(rows);
    assertThat(web.topicEndOffset()).isEqualTo(offset);
  }

  @Test
  void fieldsMergeOverDefaultAndAChangeOfDefaultThatBreaksAnotherPolicyIsRefused(WebFixture web) {
    // Over the seeded default (rule off), failuresInWindow needs its window.
    WebFixture.Response incomplete = web.post("/api/v1/alert-policies", "{\"name\":\"count-only\",\"failuresInWindow\":5}");
    assertThat(incomplete.status()).as(incomplete.body()).isEqualTo(400);
    assertThat(incomplete.json().get("fields").findValuesAsText("field")).contains("failuresInWindow");
    // A default alone must be complete too.
    WebFixture.Response lonely = web.put("/api/v1/alert-policies/default", "{\"windowSeconds\":120}");
    assertThat(lonely.status()).as(lonely.body()).isEqualTo(400);
    assertThat(lonely.json().get("fields").findValuesAsText("field")).contains("windowSeconds");

    assertThat(web.put("/api/v1/alert-policies/default", "{\"failuresInWindow\":3,\"windowSeconds\":600}").status()).isEqualTo(200);
    try {
      // With a window in default, count-only inherits it.
      assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"count-only\",\"failuresInWindow\":5}").status()).isEqualTo(201);
      long offset = web.policyTopicEndOffset();
      // Dropping default's window would leave count-only incomplete: refused, naming both.
      WebFixture.Response r = web.put("/api/v1/alert-policies/default", "{}");
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.json().get("fields").findValuesAsText("field")).contains("failuresInWindow");
      assertThat(r.body()).contains("count-only");
      assertThat(web.policyTopicEndOffset()).isEqualTo(offset);
      assertThat(web.delete("/api/v1/alert-policies/count-only").status()).isEqualTo(204);
    } finally {
      assertThat(web.put("/api/v1/alert-policies/default", "{}").status()).isEqualTo(200);
    }
  }

  private static Optional<ConsumerRecord<String, byte[]>> latest(WebFixture web, String name) {
    return web.policyRecords().stream().filter(r -> r.key().equals(name)).reduce((a, b) -> b);
  }
}
