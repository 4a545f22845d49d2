package dev.webmon.init;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.store.Database;
import java.util.ArrayList;
import java.util.List;

/** {@code webmon init}: creates or verifies the topics, then migrates the schema. */
public final class Initializer {
  private final KafkaConfig kafka;
  private final TopicsConfig topics;
  private final PostgresConfig postgres;

  public Initializer(KafkaConfig kafka, TopicsConfig topics, PostgresConfig postgres) {
    this.kafka = kafka;
    this.topics = topics;
    this.postgres = postgres;
  }

  /** The result of one init run. */
  public record Report(List<TopicInitializer.TopicReport> topics, SchemaMigrator.Report schema) {
    public boolean hasConflicts() {
      return topics.stream().anyMatch(t -> t.status() == TopicInitializer.Status.CONFLICT);
    }

    public boolean changedAnything() {
      return schema.changedAnything() || topics.stream().anyMatch(t -> t.status() == TopicInitializer.Status.CREATED);
    }

    /** Human-readable lines, one per topic plus the schema. */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      for (TopicInitializer.TopicReport t : topics) {
        out.add("topic " + t.topic() + ": " + t.status() + " - " + t.message());
      }
      if (schema.migrationsApplied() > 0) {
        out.add("schema: applied " + schema.migrationsApplied() + " migration(s), now at version " + schema.schemaVersion());
      } else {
        out.add("schema: up to date at version " + schema.schemaVersion());
      }
      if (schema.partitionsCreated() > 0) {
        out.add("schema: created " + schema.partitionsCreated() + " daily result partition(s)");
      }
      if (hasConflicts()) {
        out.add("init: CONFLICTS found - see the fixes above");
      } else {
        out.add(changedAnything() ? "init: done" : "init: nothing to do, everything already as expected");
      }
      return out;
    }
  }

  public Report run() {
    List<TopicInitializer.TopicReport> topicReports;
    try (TopicInitializer ti = new TopicInitializer(kafka, topics)) {
      topicReports = ti.apply();
    }
    SchemaMigrator.Report schema;
    try (HikariDataSource ds = Database.pool(postgres, "init")) {
      schema = new SchemaMigrator(ds).migrate();
    }
    return new Report(topicReports, schema);
  }
}
