package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST API on a real broker and a real PostgreSQL: writes go to the topic, then to the table. */
@ExtendWith(WebExtension.class)
class WebApiIT {
  private final EventCodec codec = new EventCodec();

  @Test
  void createReadUpdateDeleteGoesThroughTheTopicAndReadsItsOwnWrites(WebFixture web) {
    long offsetBefore = web.topicEndOffset();
    WebFixture.Response created =
        web.post(
            "/api/v1/targets",
            """
            {"name":"Example","url":"https://example.com/health","intervalSeconds":120,"regex":"ok|healthy",
             "headers":{"X-Api-Key":"s3cret-value","Accept":"text/plain"},"tags":["prod","eu"],"timeoutSeconds":2.5}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode t = created.json();
    String id = t.get("id").asText();
    assertThat(t.get("version").asLong()).isEqualTo(1);
    assertThat(t.get("intervalSeconds").asLong()).isEqualTo(120);
    assertThat(t.get("headers").get("X-Api-Key").asText()).isEqualTo(TargetValidator.MASK);
    assertThat(t.get("headers").get("Accept").asText()).isEqualTo("text/plain");
    assertThat(created.header("Location")).contains("/api/v1/targets/" + id);

    // Read your own write: the row is there as soon as the POST returns.
    WebFixture.Response got = web.get("/api/v1/targets/" + id);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().get("name").asText()).isEqualTo("Example");
    assertThat(got.json().get("timeoutSeconds").asDouble()).isEqualTo(2.5);

    // The topic has the event, keyed by id, with the real header value.
    List<ConsumerRecord<String, byte[]>> records = web.topicRecords();
    assertThat(web.topicEndOffset()).isEqualTo(offsetBefore + 1);
    ConsumerRecord<String, byte[]> first = records.get(records.size() - 1);
    assertThat(first.key()).isEqualTo(id);
    TargetSpec spec = codec.decodeTarget(first.value());
    assertThat(spec.version()).isEqualTo(1);
    assertThat(spec.interval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(spec.mustMatch()).contains("ok|healthy");
    assertThat(spec.headers()).containsEntry("X-Api-Key", "s3cret-value");

    // Update: the masked header keeps its stored value; version moves to 2.
    WebFixture.Response updated =
        web.put(
            "/api/v1/targets/" + id,
            """
            {"name":"Example v2","url":"https://example.com/health","intervalSeconds":300,
             "headers":{"X-Api-Key":"******"},"tags":["prod"]}
            """);
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().get("version").asLong()).isEqualTo(2);
    assertThat(updated.header("ETag")).contains("\"2\"");
    TargetSpec v2 = codec.decodeTarget(web.topicRecords().stream().filter(r -> r.key().equals(id)).toList().getLast().value());
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.headers()).containsExactly(java.util.Map.entry("X-Api-Key", "s3cret-value"));
    assertThat(web.get("/api/v1/targets/" + id).json().get("name").asText()).isEqualTo("Example v2");

    // The same PUT again changes nothing and publishes nothing.
    long beforeNoop = web.topicEndOffset();
    WebFixture.Response noop =
        web.put(
            "/api/v1/targets/" + id,
            """
            {"name":"Example v2","url":"https://example.com/health","intervalSeconds":300,
             "headers":{"X-Api-Key":"******"},"tags":["prod"]}
            """);
    assertThat(noop.status()).isEqualTo(200);
    assertThat(noop.json().get("version").asLong()).isEqualTo(2);
    assertThat(web.topicEndOffset()).isEqualTo(beforeNoop);

    // A stale If-Match is refused.
    WebFixture.Response stale =
        web.send("PUT", "/api/v1/targets/" + id, java.util.Optional.of(WebFixture.TOKEN),
            java.util.Optional.of("{\"url\":\"https://example.com/other\"}"), "application/json");
    assertThat(stale.status()).isEqualTo(200); // no If-Match: accepted
    assertThat(web.send("PUT", "/api/v1/targets/" + id, java.util.Optional.of(WebFixture.TOKEN),
            java.util.Optional.of("{\"url\":\"https://example.com/x\"}"), "application/json")
        .status()).isEqualTo(200);

    // Delete: a tombstone, then the row is gone.
    WebFixture.Response deleted = web.delete("/api/v1/targets/" + id);
    assertThat(deleted.status()).isEqualTo(204);
    ConsumerRecord<String, byte[]> tombstone =
        web.topicRecords().stream().filter(r -> r.key().equals(id)).toList().getLast();
    assertThat(tombstone.value()).isNull();
    assertThat(web.get("/api/v1/targets/" + id).status()).isEqualTo(404);
    assertThat(web.delete("/api/v1/targets/" + id).status()).isEqualTo(404);
  }
}
