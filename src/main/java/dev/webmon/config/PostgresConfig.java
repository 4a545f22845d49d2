package dev.webmon.config;

import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** How to reach PostgreSQL. */
public record PostgresConfig(
    String url,
    String user,
    Secret password,
    SslMode sslMode,
    Optional<Path> sslRootCert,
    int poolSize,
    Duration connectTimeout) {

  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&](?:ssl)?password=)[^&]*");

  /** libpq/pgjdbc sslmode values. */
  public enum SslMode {
    DISABLE,
    ALLOW,
    PREFER,
    REQUIRE,
    VERIFY_CA,
    VERIFY_FULL;

    public String jdbcName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static final ConfigKey<String> URL =
      ConfigKey.of(
          "postgres.url",
          "jdbc:postgresql://localhost:5432/webmon",
          "JDBC URL of the PostgreSQL database.",
          Parser.described(
              text -> {
                if (!text.startsWith("jdbc:postgresql://")) {
                  throw new IllegalArgumentException("expected a URL starting with jdbc:postgresql://");
                }
                return text.strip();
              },
              "jdbc:postgresql://host:port/database"));
  public static final ConfigKey<String> USER =
      ConfigKey.of("postgres.user", "webmon", "Database user.", Parser.nonBlank());
  public static final ConfigKey<Secret> PASSWORD =
      ConfigKey.secret("postgres.password", "Database password (prefer postgres.password-file or the environment).");
  public static final ConfigKey<String> PASSWORD_FILE =
      ConfigKey.optional("postgres.password-file", "File holding the database password. Must be chmod 600.", Parser.nonBlank());
  public static final ConfigKey<SslMode> SSL_MODE =
      ConfigKey.of(
          "postgres.sslmode",
          "PREFER",
          "TLS to PostgreSQL, as libpq's sslmode (use VERIFY_FULL on managed services).",
          Parser.oneOf(SslMode.class));
  public static final ConfigKey<String> SSL_ROOT_CERT =
      ConfigKey.optional("postgres.ssl-root-cert", "PEM file with the CA of the server certificate (for VERIFY_CA/VERIFY_FULL).", Parser.nonBlank());
  public static final ConfigKey<Integer> POOL_SIZE =
      ConfigKey.of("postgres.pool-size", "8", "Maximum connections in the pool of each component.", Parser.intInRange(1, 500));
  public static final ConfigKey<Duration> CONNECT_TIMEOUT =
      ConfigKey.of(
          "postgres.connect-timeout",
          "10s",
          "How long to wait for a connection before reporting PostgreSQL unreachable.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(URL, USER, PASSWORD, PASSWORD_FILE, SSL_MODE, SSL_ROOT_CERT, POOL_SIZE, CONNECT_TIMEOUT);

  public static PostgresConfig from(Settings s) {
    Secret password = s.find(PASSWORD).orElse(new Secret(""));
    Optional<String> file = s.find(PASSWORD_FILE);
    if (file.isPresent()) {
      password = SecretFiles.read(Path.of(file.get()), PASSWORD_FILE.name());
    }
    SslMode sslMode = s.get(SSL_MODE);
    Optional<Path> rootCert = s.find(SSL_ROOT_CERT).map(Path::of);
    if (sslMode != SslMode.DISABLE) {
      // Else the driver reports it only at the first connection, as a TLS failure.
      rootCert.ifPresent(p -> KafkaConfig.requireReadable(p, SSL_ROOT_CERT));
    }
    return new PostgresConfig(
        s.get(URL),
        s.get(USER),
        password,
        sslMode,
        rootCert,
        s.get(POOL_SIZE),
        s.get(CONNECT_TIMEOUT));
  }

  /** A config for an embedded/test database. */
  public static PostgresConfig of(String url, String user, String password) {
    return from(
        Settings.of(Map.of(URL.name(), url, USER.name(), user, PASSWORD.name(), password, SSL_MODE.name(), "DISABLE")));
  }

  /** pgjdbc connection properties. Contains the password: never log. */
  public Properties jdbcProperties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (!password.isEmpty()) {
      p.setProperty("password", password.reveal());
    }
    p.setProperty("sslmode", sslMode.jdbcName());
    sslRootCert.ifPresent(path -> p.setProperty("sslrootcert", path.toString()));
    long seconds = Math.max(1, connectTimeout.toSeconds());
    p.setProperty("connectTimeout", Long.toString(seconds));
    p.setProperty("loginTimeout", Long.toString(seconds));
    p.setProperty("socketTimeout", "0");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "webmon");
    return p;
  }

  /**
   * What to check when connecting failed with this exception: for a failed TLS verification the
   * setting behind it ({@link #SSL_ROOT_CERT} for an untrusted server certificate, {@link
   * #SSL_MODE} and the host of {@link #URL} for a certificate of another host), otherwise the
   * login settings. Never contains the password.
   */
  public String failureHint(Throwable failure) {
    boolean verifying = sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL;
    if (verifying && causes(failure).anyMatch(t -> t instanceof CertificateException || t instanceof CertPathBuilderException)) {
      return "The server's TLS certificate is not signed by a CA in '" + SSL_ROOT_CERT.name() + "' ("
          + sslRootCert.map(Path::toString).orElse("not set: the driver reads ~/.postgresql/root.crt")
          + "), which " + SSL_MODE.name() + "=" + sslMode + " requires: set it to the PEM file of the CA that signed the"
          + " server certificate (a managed service hands it out).";
    }
    // pgjdbc reports a host name mismatch by message only, without a cause.
    if (sslMode == SslMode.VERIFY_FULL && causes(failure).anyMatch(PostgresConfig::isHostNameMismatch)) {
      return "The server's TLS certificate is not valid for host '" + hosts() + "' of '" + URL.name() + "', which "
          + SSL_MODE.name() + "=VERIFY_FULL requires: use a host name that the certificate lists (the one the provider"
          + " gives), or VERIFY_CA to check only the CA.";
    }
    return "Check " + URL.name() + ", " + USER.name() + " and the password, and that the server is running.";
  }

  private static Stream<Throwable> causes(Throwable failure) {
    return Stream.iterate(failure, t -> t != null, t -> t.getCause() == t ? null : t.getCause()).limit(20);
  }

  private static boolean isHostNameMismatch(Throwable t) {
    String m = t.getMessage();
    return t instanceof SQLException && m != null && m.toLowerCase(Locale.ROOT).contains("hostname");
  }

  /** The host(s) of the URL, without ports: {@code jdbc:postgresql://h1:5432,h2/db} gives {@code h1,h2}. */
  private String hosts() {
    String rest = url.substring("jdbc:postgresql://".length());
    String authority = rest.split("[/?]", 2)[0];
    return Stream.of(authority.split(",")).map(h -> h.replaceFirst(":\\d+$", "")).collect(Collectors.joining(","));
  }

  /** The same connection settings with another pool size (e.g. a single connection for maintenance). */
  public PostgresConfig withPoolSize(int size) {
    return new PostgresConfig(url, user, password, sslMode, sslRootCert, size, connectTimeout);
  }

  /**
   * The URL to show in messages and logs: the values of its {@code password} and {@code
   * sslpassword} parameters (pgjdbc reads a password from the query too) are {@code ******}.
   */
  public String shownUrl() {
    return URL_PASSWORD.matcher(url).replaceAll("$1******");
  }

  @Override
  public String toString() {
    return "PostgresConfig[url=" + shownUrl() + ", user=" + user + ", sslMode=" + sslMode + "]";
  }
}
