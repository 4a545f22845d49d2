package dev.webmon.web;

import dev.webmon.ops.CachedCheck;
import dev.webmon.ops.Check;
import dev.webmon.ops.Health;
import dev.webmon.ops.HealthProbe;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * What {@code /health} and {@code /ready} report about the web app: live while its HTTP server
 * runs; ready while PostgreSQL answers and the Kafka producer can publish (a load balancer sends
 * traffic only then). Each dependency is asked at most once per {@link #MAX_AGE} and waited for at
 * most {@link #WAIT}, so a burst of probes is not a burst of queries. Thread-safe.
 */
public final class WebHealth implements HealthProbe {
  static final Duration MAX_AGE = Duration.ofSeconds(2);
  static final Duration WAIT = Duration.ofSeconds(1);

  private final WebApp app;
  private final CachedCheck postgres;
  private final CachedCheck kafka;

  /**
   * The web app's figures in its health report.
   *
   * @param url where the UI and the API listen
   */
  public record Details(String url) {}

  public WebHealth(WebApp app, DataSource dataSource, KafkaTargetPublisher publisher) {
    this.app = app;
    this.postgres = new CachedCheck("postgres", () -> postgres(dataSource), MAX_AGE, WAIT);
    this.kafka = new CachedCheck("kafka", publisher::check, MAX_AGE, WAIT);
  }

  private static Check postgres(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid((int) WAIT.toSeconds())
          ? Check.ok("postgres", "a pooled connection answered")
          : Check.failed("postgres", "a pooled connection did not answer");
    } catch (SQLException e) {
      return Check.failed("postgres", e.getMessage().lines().findFirst().orElse(e.toString()));
    }
  }

  @Override
  public Health health() {
    return Health.of("web", app.isRunning(), List.of(postgres.get(), kafka.get()), new Details(app.url()));
  }
}
