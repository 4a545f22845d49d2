package dev.webmon.notifier;

import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.Parser;
import dev.webmon.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of {@code webmon notifier} (docs/architecture.md, "Notifier").
 *
 * @param giveUpAfter a notification not delivered this long after it was queued is given up
 * @param groupWait OPENED notifications of one channel queued within this window go out as one
 *     message; zero disables grouping
 * @param adminChannel the channel told about give-ups, if any
 * @param retryInitial the first retry delay (later ones double, with full jitter)
 * @param retryMax the longest retry delay
 * @param webBaseUrl the web UI's public base URL, for links in messages
 * @param metricsHost address of the operations endpoint
 * @param metricsPort its port; 0 picks a free port, -1 disables it
 * @param workers how many channels one instance delivers to in parallel
 */
public record NotifierConfig(
    Duration giveUpAfter,
    Duration groupWait,
    Optional<String> adminChannel,
    Duration retryInitial,
    Duration retryMax,
    URI webBaseUrl,
    String metricsHost,
    int metricsPort,
    int workers) {

  public static final ConfigKey<Duration> GIVE_UP_AFTER =
      ConfigKey.of(
          "notify.give-up-after",
          "24h",
          "A notification not delivered this long after it was queued is marked failed and reported to notify.admin-channel.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofDays(30)));
  public static final ConfigKey<Duration> GROUP_WAIT =
      ConfigKey.of(
          "notify.group-wait",
          "30s",
          "OPENED notifications of one channel queued within this window go out as one message listing the incidents; 0 disables grouping.",
          Parser.duration(Duration.ZERO, Duration.ofHours(1)));
  public static final ConfigKey<String> ADMIN_CHANNEL =
      ConfigKey.optional(
          "notify.admin-channel",
          "Id of the channel told when a notification is given up (after notify.give-up-after or a permanent failure).",
          Parser.described(
              text -> {
                if (!text.matches("[a-z0-9-]{1,64}")) {
                  throw new IllegalArgumentException("expected a channel id: a-z, 0-9 and '-' (1-64 chars)");
                }
                return text;
              },
              "a channel id"));
  public static final ConfigKey<Duration> RETRY_INITIAL =
      ConfigKey.of(
          "notify.retry-initial",
          "10s",
          "Delay before the first retry of a failed delivery; each further retry doubles it (full jitter) up to notify.retry-max.",
          Parser.duration(Duration.ofMillis(10), Duration.ofHours(1)));
  public static final ConfigKey<Duration> RETRY_MAX =
      ConfigKey.of(
          "notify.retry-max",
          "30m",
          "Longest delay between two delivery attempts of one notification (a receiver's Retry-After may ask for longer).",
          Parser.duration(Duration.ofMillis(10), Duration.ofDays(1)));
  public static final ConfigKey<URI> WEB_BASE_URL =
      ConfigKey.of(
          "notify.web-base-url",
          "http://localhost:8080/",
          "Public base URL of the web UI, for the links in notifications; webmon standalone defaults it to web.public-url or its own web app's address.",
          Parser.httpUrl());
  public static final ConfigKey<String> METRICS_HOST =
      ConfigKey.of(
          "notifier.metrics-host",
          "0.0.0.0",
          "Address the operations endpoint of webmon notifier (/metrics, /health, /ready) binds to.",
          Parser.host());
  public static final ConfigKey<Integer> METRICS_PORT =
      ConfigKey.of(
          "notifier.metrics-port",
          "9468",
          "Port of the operations endpoint of webmon notifier; 0 picks a free port (logged at start), -1 disables it.",
          Parser.intInRange(-1, 65_535));
  public static final ConfigKey<Integer> WORKERS =
      ConfigKey.of(
          "notifier.workers",
          "16",
          "Channels one notifier instance delivers to in parallel (virtual threads; one delivery in flight per channel).",
          Parser.intInRange(1, 1024));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          GIVE_UP_AFTER, GROUP_WAIT, ADMIN_CHANNEL, RETRY_INITIAL, RETRY_MAX, WEB_BASE_URL, METRICS_HOST, METRICS_PORT,
          WORKERS);

  public NotifierConfig {
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new ConfigException(
          "'" + RETRY_MAX.name() + "' must be at least '" + RETRY_INITIAL.name() + "'.");
    }
  }

  /** Reads and validates the notifier settings; fails naming the key. */
  public static NotifierConfig from(Settings s) {
    return new NotifierConfig(
        s.get(GIVE_UP_AFTER),
        s.get(GROUP_WAIT),
        s.find(ADMIN_CHANNEL),
        s.get(RETRY_INITIAL),
        s.get(RETRY_MAX),
        s.get(WEB_BASE_URL),
        s.get(METRICS_HOST),
        s.get(METRICS_PORT),
        s.get(WORKERS));
  }

  /** The defaults, with some keys overridden (tests). */
  public static NotifierConfig defaults(Map<String, String> overrides) {
    return from(Settings.of(overrides));
  }
}
