package dev.webmon.web;

import dev.webmon.check.Cidr;
import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.Parser;
import dev.webmon.config.Secret;
import dev.webmon.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the web app ({@code webmon web}): where it listens, how users and API clients
 * authenticate, and how long a write may wait for Kafka.
 *
 * @param port TCP port; 0 picks a free one (tests)
 * @param bindAddress the interface to listen on
 * @param adminPassword the UI password: clear text, or a bcrypt hash ({@code $2a$}/{@code $2b$}/{@code $2y$})
 * @param apiToken the bearer token of the REST API
 * @param openReads whether reads (GET) need no login or token
 * @param sessionTimeout lifetime of a UI login
 * @param cookieSecure when the session cookie carries the Secure attribute
 * @param trustedProxies reverse proxies whose {@code X-Forwarded-For} names the client; empty: ignore the header
 * @param publishTimeout the longest a write waits for Kafka's acknowledgement before answering 503
 * @param metricsHost address the operations endpoint binds to
 * @param metricsPort port of the operations endpoint; 0 picks a free port, -1 disables it
 */
public record WebConfig(
    int port,
    String bindAddress,
    Secret adminPassword,
    Secret apiToken,
    boolean openReads,
    Duration sessionTimeout,
    CookieSecure cookieSecure,
    List<Cidr> trustedProxies,
    Duration publishTimeout,
    String metricsHost,
    int metricsPort,
    Optional<URI> publicUrl) {

  /** The shortest clear-text admin password accepted. */
  public static final int MIN_PASSWORD_CHARS = 8;

  /** The shortest API token accepted. */
  public static final int MIN_TOKEN_CHARS = 16;

  /** When the session cookie gets the Secure attribute. */
  public enum CookieSecure {
    /** When the request came over https, directly or per {@code X-Forwarded-Proto: https}. */
    AUTO,
    ALWAYS,
    NEVER
  }

  public static final ConfigKey<Integer> PORT =
      ConfigKey.of("web.port", "8080", "TCP port of the web UI and REST API (0 picks a free port).", Parser.intInRange(0, 65_535));
  public static final ConfigKey<String> BIND_ADDRESS =
      ConfigKey.of(
          "web.bind-address",
          "0.0.0.0",
          "Interface the web server listens on: 0.0.0.0 (all, for a server behind a load balancer) or 127.0.0.1 (this machine only).",
          Parser.host());
  public static final ConfigKey<Secret> ADMIN_PASSWORD =
      ConfigKey.secret(
          "web.admin-password",
          "Password of the UI user 'admin' (" + MIN_PASSWORD_CHARS
              + " characters to 72 bytes), or its bcrypt hash ($2y$...). Required by webmon web; standalone generates one when unset.");
  public static final ConfigKey<Secret> API_TOKEN =
      ConfigKey.secret(
          "web.api-token",
          "Bearer token of the REST API (at least " + MIN_TOKEN_CHARS
              + " characters; e.g. openssl rand -hex 24). Required by webmon web; standalone generates one when unset.");
  public static final ConfigKey<Boolean> OPEN_READS =
      ConfigKey.of(
          "web.open-reads",
          "false",
          "Let anyone read targets, results and dashboards without logging in (writes always need a login or the token).",
          Parser.bool());
  public static final ConfigKey<Duration> SESSION_TIMEOUT =
      ConfigKey.of(
          "web.session-timeout",
          "12h",
          "How long a UI login lasts.",
          Parser.duration(Duration.ofMinutes(5), Duration.ofDays(30)));
  public static final ConfigKey<CookieSecure> COOKIE_SECURE =
      ConfigKey.of(
          "web.cookie-secure",
          "AUTO",
          "When the session cookie is marked Secure: AUTO (when the request came over https, directly or per X-Forwarded-Proto), ALWAYS or NEVER.",
          Parser.oneOf(CookieSecure.class));
  public static final ConfigKey<List<Cidr>> TRUSTED_PROXIES =
      ConfigKey.of(
          "web.trusted-proxies",
          "",
          "Comma-separated CIDR blocks of the reverse proxies in front of webmon web, e.g. 10.0.0.0/8: a request from one of them is "
              + "throttled by the client in X-Forwarded-For (the rightmost address that is not a trusted proxy). Empty: X-Forwarded-For is "
              + "ignored and the TCP peer is the client.",
          Parser.described(WebConfig::parseCidrs, "a comma-separated list of IPv4/IPv6 CIDR blocks, e.g. 10.0.0.0/8,fd00::/8"));
  public static final ConfigKey<Duration> PUBLISH_TIMEOUT =
      ConfigKey.of(
          "web.publish-timeout",
          "5s",
          "Longest a target change waits for Kafka to acknowledge it; after that the request fails with 503 and nothing is stored.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofMinutes(2)));

  public static final ConfigKey<String> METRICS_HOST =
      ConfigKey.of(
          "web.metrics-host",
          "0.0.0.0",
          "Address the operations endpoint of webmon web (/metrics, /health, /ready) binds to; webmon standalone serves the whole process's there.",
          Parser.host());
  public static final ConfigKey<Integer> METRICS_PORT =
      ConfigKey.of(
          "web.metrics-port",
          "9466",
          "Port of the operations endpoint of webmon web: /metrics (Prometheus), /health (liveness), /ready (readiness, for a load balancer); "
              + "0 picks a free port (logged at start; webmon standalone's default), -1 disables the endpoint.",
          Parser.intInRange(-1, 65_535));

  public static final ConfigKey<URI> PUBLIC_URL =
      ConfigKey.optional(
          "web.public-url",
          "Public base URL of the web app (e.g. https://status.example.com/ behind a proxy), for the absolute links of the "
              + "status pages' Atom feeds and, in webmon standalone, of notifications; unset: the request's scheme and Host.",
          Parser.httpUrl());

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          PORT,
          BIND_ADDRESS,
          ADMIN_PASSWORD,
          API_TOKEN,
          OPEN_READS,
          SESSION_TIMEOUT,
          COOKIE_SECURE,
          TRUSTED_PROXIES,
          PUBLISH_TIMEOUT,
          METRICS_HOST,
          METRICS_PORT,
          PUBLIC_URL);

  /** Validates; secrets are checked for strength but never echoed. */
  public WebConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(adminPassword, "adminPassword");
    Objects.requireNonNull(apiToken, "apiToken");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(cookieSecure, "cookieSecure");
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(publishTimeout, "publishTimeout");
    Objects.requireNonNull(metricsHost, "metricsHost");
    if (port < 0 || port > 65_535) {
      throw new ConfigException("'" + PORT.name() + "' must be from 0 to 65535.");
    }
    if (metricsPort < -1 || metricsPort > 65_535) {
      throw new ConfigException("'" + METRICS_PORT.name() + "' must be from -1 to 65535.");
    }
    if (!PasswordHasher.isHash(adminPassword.reveal()) && adminPassword.reveal().length() < MIN_PASSWORD_CHARS) {
      throw new ConfigException(
          "'" + ADMIN_PASSWORD.name() + "' is too short: use at least " + MIN_PASSWORD_CHARS
              + " characters (or a bcrypt hash).");
    }
    if (!PasswordHasher.isHash(adminPassword.reveal()) && !PasswordHasher.fits(adminPassword.reveal())) {
      throw new ConfigException(
          "'" + ADMIN_PASSWORD.name() + "' is too long: bcrypt uses at most " + PasswordHasher.MAX_BYTES + " bytes (UTF-8).");
    }
    if (apiToken.reveal().length() < MIN_TOKEN_CHARS) {
      throw new ConfigException(
          "'" + API_TOKEN.name() + "' is too short: use at least " + MIN_TOKEN_CHARS
              + " characters, e.g. the output of 'openssl rand -hex 24'.");
    }
    if (apiToken.reveal().chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new ConfigException("'" + API_TOKEN.name() + "' may only contain printable ASCII without spaces.");
    }
  }

  /** Reads and validates the web settings; a missing or bad value fails naming the key. */
  public static WebConfig from(Settings s) {
    return new WebConfig(
        s.get(PORT),
        s.get(BIND_ADDRESS),
        s.get(ADMIN_PASSWORD),
        s.get(API_TOKEN),
        s.get(OPEN_READS),
        s.get(SESSION_TIMEOUT),
        s.get(COOKIE_SECURE),
        s.get(TRUSTED_PROXIES),
        s.get(PUBLISH_TIMEOUT),
        s.get(METRICS_HOST),
        s.get(METRICS_PORT),
        s.find(PUBLIC_URL));
  }

  /** A config for tests and embedded wiring: loopback, a free port, the given secrets. */
  public static WebConfig forTests(String adminPassword, String apiToken, boolean openReads) {
    return from(
        Settings.of(
            Map.of(
                PORT.name(), "0",
                BIND_ADDRESS.name(), "127.0.0.1",
                ADMIN_PASSWORD.name(), adminPassword,
                API_TOKEN.name(), apiToken,
                OPEN_READS.name(), Boolean.toString(openReads))));
  }

  /** A copy with another publish timeout (tests of an unreachable Kafka). */
  public WebConfig withPublishTimeout(Duration timeout) {
    return new WebConfig(
        port, bindAddress, adminPassword, apiToken, openReads, sessionTimeout, cookieSecure, trustedProxies, timeout, metricsHost, metricsPort,
        publicUrl);
  }

  private static List<Cidr> parseCidrs(String text) {
    List<Cidr> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(Cidr.parse(part));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "WebConfig[port=" + port + ", bindAddress=" + bindAddress + ", openReads=" + openReads
        + ", sessionTimeout=" + sessionTimeout + ", cookieSecure=" + cookieSecure + ", trustedProxies=" + trustedProxies
        + ", publishTimeout=" + publishTimeout + ", metricsHost=" + metricsHost + ", metricsPort=" + metricsPort + "]";
  }
}
