// Over 400 lines: one server's whole lifecycle (set-up, TLS, orphan recovery, credentials) in one place.
package dev.webmon.infra;

import dev.webmon.WebmonException;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Secret;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky embedded binaries, PostgreSQL 18) listening on loopback only,
 * for integration tests and {@code webmon standalone}.
 *
 * <p>Authentication is real: on first start the superuser {@code postgres} and the application
 * user {@code webmon} get generated passwords and {@code pg_hba.conf} is switched from initdb's
 * {@code trust} to {@code scram-sha-256}. The passwords live in {@code credentials.properties}
 * (mode 600) next to the cluster, so a restart on the same data directory finds them, and the same
 * {@link PostgresConfig} shape works here as against a managed PostgreSQL.
 *
 * <p>Layout of the data directory: {@code pgdata/} (the cluster), {@code credentials.properties},
 * {@code postgres.log}, with {@link Builder#tls} also {@code tls/server.pem} and {@code
 * tls/server.key}. Database {@code webmon} is owned by user {@code webmon}.
 *
 * <p>Without {@link Builder#tls} (the default) the server has {@code ssl = off}. With it, clients
 * may use TLS up to {@code sslmode=verify-full}, as against a managed PostgreSQL.
 *
 * <p>A server orphaned by a {@code kill -9} of the JVM that started it keeps running and holds
 * the data directory; the next start on that directory stops it first (SIGTERM, bounded wait,
 * then SIGKILL) and then starts normally.
 *
 * <p>Thread-safe.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  /** The application user and database. */
  public static final String USER = "webmon";
  public static final String DATABASE = "webmon";
  private static final String SUPERUSER = "postgres";
  private static final String CREDENTIALS = "credentials.properties";
  private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(20);

  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final Secret superuserPassword;
  private final Secret password;
  private boolean closed;

  private EmbeddedPostgres(
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg,
      Path dataDir,
      boolean deleteOnClose,
      Secret superuserPassword,
      Secret password) {
    this.pg = pg;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.superuserPassword = superuserPassword;
    this.password = password;
  }

  /** A builder for a server in a temporary directory on a free port. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts an {@link EmbeddedPostgres}. Not thread-safe. */
  public static final class Builder {
    private Path workingDir = Path.of(System.getProperty("java.io.tmpdir"), "webmon-embedded-pg");
    private Path dataDir;
    private int port;
    private Duration startTimeout = Duration.ofSeconds(60);
    private boolean durable;
    private CertificateAuthority.Issued tlsCertificate;

    private Builder() {}

    /**
     * Serves TLS ({@code ssl = on}) with this server certificate and key, e.g. {@link
     * CertificateAuthority#issueLocalhost()} for {@code verify-full} on localhost and 127.0.0.1.
     * Clients that ask for no TLS are still accepted. Default: no TLS.
     */
    public Builder tls(CertificateAuthority.Issued serverCertificate) {
      this.tlsCertificate = serverCertificate;
      return this;
    }

    /**
     * With {@code fsync} on, so a power loss or OS crash cannot corrupt the cluster (standalone's
     * data). Off by default, for tests and benchmarks: a killed process loses nothing either way,
     * the OS still holds the writes. {@code synchronous_commit} stays off: a crash may lose the
     * last commits, never consistency, and the sink re-reads what they held from Kafka.
     */
    public Builder durable(boolean durable) {
      this.durable = durable;
      return this;
    }

    /** Where the PostgreSQL binaries are unpacked (shared and reused; default under java.io.tmpdir). */
    public Builder workingDir(Path dir) {
      this.workingDir = dir.toAbsolutePath();
      return this;
    }

    /** Where the cluster lives; kept after close and reused. Default: a temporary directory deleted on close. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir.toAbsolutePath();
      return this;
    }

    /** A fixed port; 0 (the default) reuses the port of the previous run if free, else picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** How long to wait for the server to accept connections (default 60 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Initialises (when new) and starts the server; returns when it accepts connections. */
    public EmbeddedPostgres start() {
      long start = System.nanoTime();
      boolean temporary = dataDir == null;
      Path dir = dataDir;
      try {
        if (temporary) {
          dir = Files.createTempDirectory("webmon-pg-");
        }
        Files.createDirectories(dir);
        Files.createDirectories(workingDir);
      } catch (IOException e) {
        throw new WebmonException("Cannot create PostgreSQL directories " + dir + ": " + e.getMessage(), e);
      }
      Path pgData = dir.resolve("pgdata");
      Path credentialsFile = dir.resolve(CREDENTIALS);
      boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
      if (fresh && Files.exists(pgData)) {
        // A half-done initdb (killed parent): start over.
        FileTrees.deleteQuietly(pgData);
      }
      if (!fresh) {
        stopOrphan(pgData);
      }
      Properties creds = fresh || !Files.exists(credentialsFile) ? new Properties() : FileTrees.loadProperties(credentialsFile);
      if (!fresh && creds.getProperty("superuser.password") == null) {
        throw new WebmonException(
            "PostgreSQL data directory " + pgData + " exists but " + credentialsFile
                + " with its passwords is missing; restore it or delete " + dir + ".");
      }
      int chosenPort = choosePort(creds);
      creds.setProperty("port", Integer.toString(chosenPort));
      Secret superPw = new Secret(creds.getProperty("superuser.password", randomPassword()));
      Secret userPw = new Secret(creds.getProperty("webmon.password", randomPassword()));
      creds.setProperty("superuser.password", superPw.reveal());
      creds.setProperty("webmon.password", userPw.reveal());
      // Written before the first start: a crash after initdb must not lose the passwords.
      store(creds, credentialsFile);

      io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder b =
          io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(workingDir.toFile())
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              .setPort(chosenPort)
              .setPGStartupWait(startTimeout)
              .setPgBinaryResolver(FirstOnClassPath.INSTANCE)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", durable ? "on" : "off")
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()));
      if (tlsCertificate != null) {
        // The bundled server runs as this JVM's user, so the key file is its own with mode 600:
        // PostgreSQL refuses a key that the group or others can read.
        Path tls = dir.resolve("tls");
        tlsCertificate.writePem(tls, "server");
        b.setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", tls.resolve("server.pem").toString())
            .setServerConfig("ssl_key_file", tls.resolve("server.key").toString());
      }
      if (!fresh) {
        b.setConnectConfig("password", superPw.reveal());
      }
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
      try {
        pg = b.start();
      } catch (IOException | RuntimeException e) {
        throw new WebmonException(
            "PostgreSQL did not start in " + pgData + ": " + e.getMessage() + ". Last lines of "
                + dir.resolve("postgres.log") + ":\n" + EmbeddedKafka.tail(dir.resolve("postgres.log")),
            e);
      }
      EmbeddedPostgres server = new EmbeddedPostgres(pg, dir, temporary, superPw, userPw);
      try {
        if (fresh) {
          server.initialise(pgData);
        }
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      LOG.info(
          "PostgreSQL ready at {} in {} ms (data: {})",
          server.jdbcUrl(),
          Duration.ofNanos(System.nanoTime() - start).toMillis(),
          dir);
      return server;
    }

    private int choosePort(Properties creds) {
      if (port != 0) {
        return port;
      }
      String previous = creds.getProperty("port");
      if (previous != null && EmbeddedKafka.isFree(Integer.parseInt(previous))) {
        return Integer.parseInt(previous);
      }
      return EmbeddedKafka.freePort();
    }
  }

  /**
   * Finds the PostgreSQL binaries archive like zonky's default resolver, but takes the first copy
   * instead of failing when the class path holds two (e.g. a shaded jar next to the dependency
   * jars, as when Failsafe tests the packaged jar).
   */
  private enum FirstOnClassPath implements PgBinaryResolver {
    INSTANCE;

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
      String distribution = "Linux".equals(system) ? LinuxUtils.getDistributionName() : null;
      String suffix = distribution != null && distribution.toLowerCase(Locale.ROOT).contains("alpine") ? "-alpine_linux" : "";
      String name = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + machineHardware + suffix + ".txz";
      URL url = EmbeddedPostgres.class.getClassLoader().getResource(name);
      if (url == null) {
        return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
      }
      return url.openStream();
    }
  }

  /** JDBC URL of database {@code webmon} on 127.0.0.1. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** JDBC URL of another database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database;
  }

  /** The application user, {@code webmon}. */
  public String user() {
    return USER;
  }

  /** The application user's password. */
  public Secret password() {
    return password;
  }

  /** The port the server listens on (127.0.0.1). */
  public int port() {
    return pg.getPort();
  }

  /** The data directory given to the builder (or the temporary one). */
  public Path dataDir() {
    return dataDir;
  }

  /** Connection settings for database {@code webmon} as user {@code webmon}. */
  public PostgresConfig postgresConfig() {
    return postgresConfig(DATABASE);
  }

  /** Connection settings for another database as user {@code webmon}. */
  public PostgresConfig postgresConfig(String database) {
    return PostgresConfig.of(jdbcUrl(database), USER, password.reveal());
  }

  /**
   * Creates an empty database owned by {@code webmon} (tests use one per test for isolation).
   *
   * @param name lower-case letters, digits and '_'
   * @return connection settings for it
   */
  public PostgresConfig createDatabase(String name) {
    requireIdentifier(name);
    superuser("CREATE DATABASE " + name + " OWNER " + USER);
    return postgresConfig(name);
  }

  /** Drops a database, disconnecting its sessions. */
  public void dropDatabase(String name) {
    requireIdentifier(name);
    superuser("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** A new superuser connection to database {@code postgres}; the caller closes it. */
  public Connection superuserConnection() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", SUPERUSER);
    p.setProperty("password", superuserPassword.reveal());
    return DriverManager.getConnection(jdbcUrl("postgres"), p);
  }

  /** Stops the server (fast shutdown). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      pg.close();
      LOG.info("PostgreSQL on port {} stopped", pg.getPort());
    } catch (IOException e) {
      LOG.warn("Stopping PostgreSQL in {} failed: {}", dataDir, e.toString());
    }
    if (deleteOnClose) {
      FileTrees.deleteQuietly(dataDir);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedPostgres[url=" + jdbcUrl() + ", dir=" + dataDir + "]";
  }

  /** First start: passwords, user and database, then password authentication only. */
  private void initialise(Path pgData) {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD " + literal(superuserPassword.reveal()));
      s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD " + literal(password.reveal()));
      s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
      Files.writeString(
          pgData.resolve("pg_hba.conf"),
          String.join(
              "\n",
              List.of(
                  "# Written by webmon: password authentication only, loopback only.",
                  "local all all scram-sha-256",
                  "host all all 127.0.0.1/32 scram-sha-256",
                  "")),
          StandardCharsets.UTF_8);
      try (ResultSet rs = s.executeQuery("SELECT pg_reload_conf()")) {
        rs.next();
      }
    } catch (SQLException | IOException e) {
      throw new WebmonException("Cannot initialise the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private void superuser(String sql) {
    try (Connection c = superuserConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new WebmonException("PostgreSQL refused '" + sql + "': " + e.getMessage(), e);
    }
  }

  /** Stops a postmaster that a killed JVM left running on this data directory. */
  private static void stopOrphan(Path pgData) {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (orphan.isEmpty()) {
      LOG.info("Removing stale {} (its server is gone)", pidFile);
      deleteQuietly(pidFile);
      return;
    }
    ProcessHandle p = orphan.get();
    String command = p.info().command().orElse("");
    if (!command.endsWith("postgres")) {
      // The pid was reused by an unrelated process: the lock file is stale.
      LOG.info("Removing stale {} (pid {} is now '{}')", pidFile, p.pid(), command);
      deleteQuietly(pidFile);
      return;
    }
    LOG.warn("Stopping PostgreSQL pid {} left running on {} by a previous run", p.pid(), pgData);
    p.destroy(); // SIGTERM: smart shutdown; its clients died with their JVM
    try {
      p.onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("PostgreSQL pid {} did not stop within {}: killing it", p.pid(), ORPHAN_STOP_TIMEOUT);
      p.destroyForcibly();
      p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("Interrupted while stopping an orphaned PostgreSQL", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new WebmonException("Cannot stop orphaned PostgreSQL pid " + p.pid() + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", file, e.toString());
    }
  }

  private static void requireIdentifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database name must be lower-case letters, digits and '_': " + name);
    }
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void store(Properties p, Path file) {
    CertificateAuthority.writeString(file, "", true); // mode 600 before secrets go in
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "webmon embedded PostgreSQL: passwords and port. Keep private.");
    } catch (IOException e) {
      throw new WebmonException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
