// Over 400 lines: the cluster's API and process lifecycle belong together (layout, nodes: own files).
package dev.webmon.infra;

import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Secret;
import dev.webmon.config.Settings;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka cluster (KRaft, each node broker and controller) whose nodes run as child
 * JVM processes of this one, on 127.0.0.1 only. Used by integration tests and by {@code webmon
 * standalone}.
 *
 * <p>Each node is a {@link BrokerMain} process; its output goes to {@code node-<id>/broker.log} in
 * the data directory. A node notices when this JVM dies (even by {@code kill -9}) and shuts down,
 * so no broker is left behind. With a given data directory the cluster persists: starting again on
 * the same directory reuses the cluster id, the data and — when still free — the ports.
 *
 * <p>Optionally each node has an extra SSL listener that requires a client certificate, with
 * certificates from a generated {@link CertificateAuthority}; {@link #sslClientFiles()} gives the
 * client's PEM files in the form managed Kafka services hand them out. Optionally each node also
 * has a SASL_SSL listener with SCRAM-SHA-512 for one user ({@link Builder#saslSslListener}), as
 * managed Kafka services hand out a user name and password; its TLS uses the same certificates.
 *
 * <p>Thread-safe: the methods that change the cluster are synchronized.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 40;
  static final ScramMechanism SCRAM_MECHANISM = ScramMechanism.SCRAM_SHA_512;

  /**
   * The client-side TLS files for the SSL listener, as a managed Kafka service hands them out.
   *
   * @param caFile {@code ca.pem}: the CA that signed the brokers' certificate
   * @param certFile {@code service.cert}: the client certificate
   * @param keyFile {@code service.key}: the client's PKCS#8 private key (mode 600)
   */
  public record SslClientFiles(Path caFile, Path certFile, Path keyFile) {}

  /** The one SCRAM user of the SASL_SSL listener. */
  record ScramUser(String name, Secret password) {
    ScramUser {
      if (name.isBlank()) {
        throw new IllegalArgumentException("SCRAM user name must not be blank");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("SCRAM password must not be empty");
      }
    }
  }

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final String clusterId;
  private final List<BrokerNode> nodes;
  private final boolean ssl;
  private final Optional<ScramUser> scramUser;
  private final List<String> jvmOptions;
  private final Duration startTimeout;
  private boolean closed;

  EmbeddedKafka(Builder b, Path dataDir, String clusterId, List<BrokerNode> nodes) {
    this.dataDir = dataDir;
    this.deleteOnClose = b.dataDir == null;
    this.clusterId = clusterId;
    this.nodes = nodes;
    this.ssl = b.ssl;
    this.scramUser = Optional.ofNullable(b.scramUser);
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.startTimeout = b.startTimeout;
  }

  /** A builder for a one-node cluster in a temporary directory, without SSL. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts an {@link EmbeddedKafka}. Not thread-safe. */
  public static final class Builder {
    int nodeCount = 1;
    private Path dataDir;
    boolean ssl;
    ScramUser scramUser;
    private Duration startTimeout = Duration.ofSeconds(90);
    private final List<String> jvmOptions =
        new ArrayList<>(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));

    private Builder() {}

    /** 1 (the default) or 3 nodes; 3 nodes replicate with RF 3 and min ISR 2. */
    public Builder nodes(int count) {
      if (count != 1 && count != 3) {
        throw new IllegalArgumentException("nodes must be 1 or 3, was " + count);
      }
      this.nodeCount = count;
      return this;
    }

    /**
     * Where the cluster keeps its data, logs and certificates; kept after {@link #close()} and
     * reused by the next start. Default: a temporary directory deleted on close.
     */
    public Builder dataDir(Path dir) {
      this.dataDir = dir.toAbsolutePath();
      return this;
    }

    /** Adds an SSL listener on each node that requires a client certificate. */
    public Builder sslListener(boolean enabled) {
      this.ssl = enabled;
      return this;
    }

    /**
     * Adds a SASL_SSL listener on each node (server certificate only, no client certificate) that
     * accepts SCRAM-SHA-512 logins of this one user; {@link #start()} creates the user's SCRAM
     * credential and returns once a login over that listener works.
     */
    public Builder saslSslListener(String username, Secret password) {
      this.scramUser = new ScramUser(username, password);
      return this;
    }

    /** How long {@link #start()} waits for all nodes to join (default 90 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /**
     * JVM options of each node process, replacing the default ({@code -Xmx512m}, serial GC, C1
     * only: starts fastest and is plenty for tests and a standalone installation).
     */
    public Builder jvmOptions(List<String> options) {
      this.jvmOptions.clear();
      this.jvmOptions.addAll(options);
      return this;
    }

    /** Formats (when new) and starts all nodes; returns when every node is part of the cluster. */
    public EmbeddedKafka start() {
      Path dir = dataDir;
      try {
        if (dir == null) {
          dir = Files.createTempDirectory("webmon-kafka-");
        }
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new WebmonException("Cannot create Kafka data directory " + dir + ": " + e.getMessage(), e);
      }
      EmbeddedKafka kafka = KafkaClusterLayout.prepare(this, dir);
      try {
        kafka.startAll();
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      return kafka;
    }
  }

  /** The PLAINTEXT bootstrap servers of all nodes, e.g. {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  /** The bootstrap servers of the SSL listeners (client certificate required). */
  public String sslBootstrapServers() {
    requireSsl();
    return nodes.stream().map(n -> "127.0.0.1:" + n.sslPort()).collect(Collectors.joining(","));
  }

  /** The bootstrap servers of the SASL_SSL listeners (SCRAM-SHA-512, no client certificate). */
  public String saslSslBootstrapServers() {
    requireSasl();
    return nodes.stream().map(n -> "127.0.0.1:" + n.saslPort()).collect(Collectors.joining(","));
  }

  /**
   * A {@link KafkaConfig} for the SASL_SSL listener as a user of a managed service writes it: the
   * CA file, SCRAM-SHA-512, the user name and password of {@link Builder#saslSslListener}.
   */
  public KafkaConfig saslSslConfig() {
    ScramUser user = requireSasl();
    return KafkaConfig.from(
        Settings.of(
            Map.of(
                KafkaConfig.BOOTSTRAP_SERVERS.name(), saslSslBootstrapServers(),
                KafkaConfig.SECURITY_PROTOCOL.name(), KafkaConfig.SecurityProtocol.SASL_SSL.name(),
                KafkaConfig.SSL_CA_FILE.name(), dataDir.resolve("tls").resolve(CertificateAuthority.CA_FILE).toString(),
                KafkaConfig.SASL_MECHANISM.name(), KafkaConfig.SaslMechanism.SCRAM_SHA_512.name(),
                KafkaConfig.SASL_USERNAME.name(), user.name(),
                KafkaConfig.SASL_PASSWORD.name(), user.password().reveal())));
  }

  /** The client's TLS files for {@link #sslBootstrapServers()}; the CA file also serves SASL_SSL. */
  public SslClientFiles sslClientFiles() {
    if (scramUser.isEmpty()) {
      requireSsl();
    }
    Path tls = dataDir.resolve("tls");
    return new SslClientFiles(
        tls.resolve(CertificateAuthority.CA_FILE),
        tls.resolve(CertificateAuthority.CERT_FILE),
        tls.resolve(CertificateAuthority.KEY_FILE));
  }

  /** A plaintext {@link KafkaConfig} for this cluster. */
  public KafkaConfig kafkaConfig() {
    return KafkaConfig.plaintext(bootstrapServers());
  }

  /** Number of nodes; node ids are 1 to this. */
  public int nodeCount() {
    return nodes.size();
  }

  /** The cluster id (stable across restarts on the same data directory). */
  public String clusterId() {
    return clusterId;
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The log file of a node. */
  public Path logFile(int nodeId) {
    return node(nodeId).logFile();
  }

  /** The process id of a running node. */
  public synchronized long pid(int nodeId) {
    return node(nodeId).process().orElseThrow(() -> new IllegalStateException("node " + nodeId + " is not running")).pid();
  }

  /** Whether the node's process is running. */
  public synchronized boolean isRunning(int nodeId) {
    return node(nodeId).process().map(Process::isAlive).orElse(false);
  }

  /** Kills a node's process like {@code kill -9} and waits (bounded) until it is gone. */
  public synchronized void killNode(int nodeId) {
    BrokerNode node = node(nodeId);
    Process p = node.process().orElseThrow(() -> new IllegalStateException("node " + nodeId + " is not running"));
    p.destroyForcibly();
    awaitExit(p, KILL_TIMEOUT, nodeId);
    node.stopped();
    LOG.info("Killed Kafka node {}", nodeId);
  }

  /** Starts a stopped (killed) node again and waits until it is back in the cluster. */
  public synchronized void restartNode(int nodeId) {
    BrokerNode node = node(nodeId);
    if (isRunning(nodeId)) {
      throw new IllegalStateException("node " + nodeId + " is still running");
    }
    node.start(javaCommand(node));
    awaitReady(Set.of(nodeId));
  }

  /** Stops all nodes: SIGTERM, a bounded wait for a clean shutdown, then kill. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    List<BrokerNode> running = nodes.stream().filter(n -> n.process().isPresent()).toList();
    running.forEach(n -> n.process().orElseThrow().destroy());
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    for (BrokerNode n : running) {
      Process p = n.process().orElseThrow();
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warn("Kafka node {} did not stop within {}: killing it", n.id(), CLOSE_TIMEOUT);
          p.destroyForcibly();
          awaitExit(p, KILL_TIMEOUT, n.id());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
      n.stopped();
    }
    LOG.info("Kafka cluster stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
    if (deleteOnClose) {
      FileTrees.deleteQuietly(dataDir);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[nodes=" + nodes.size() + ", bootstrap=" + bootstrapServers() + ", dir=" + dataDir + "]";
  }

  private void startAll() {
    long start = System.nanoTime();
    for (BrokerNode node : nodes) {
      node.start(javaCommand(node));
    }
    Set<Integer> all = new TreeSet<>();
    nodes.forEach(n -> all.add(n.id()));
    awaitReady(all);
    scramUser.ifPresent(this::createScramUser);
    LOG.info(
        "Kafka cluster of {} node(s) ready at {} in {} ms (data: {})",
        nodes.size(),
        bootstrapServers(),
        Duration.ofNanos(System.nanoTime() - start).toMillis(),
        dataDir);
  }

  private List<String> javaCommand(BrokerNode node) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(jvmOptions);
    cmd.add("-Djava.awt.headless=true");
    if (Runtime.version().feature() >= 24) {
      // Kafka 4.3 unmaps buffers through sun.misc.Unsafe; JDK 24+ warns on stderr otherwise.
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-Dlogback.configurationFile=dev/webmon/infra/broker-logback.xml");
    cmd.add("-cp");
    cmd.add(absoluteClassPath());
    cmd.add(BrokerMain.class.getName());
    cmd.add(node.serverProperties().toString());
    cmd.add(clusterId);
    return cmd;
  }

  /** Our class path with absolute entries: the child runs in the node's directory. */
  static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isBlank())
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Waits until each given node's plaintext port accepts and the cluster metadata lists it. */
  private void awaitReady(Set<Integer> nodeIds) {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    for (int id : nodeIds) {
      BrokerNode node = node(id);
      while (!accepts(node.port())) {
        pause(node, deadline);
      }
    }
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapOf(nodeIds));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "webmon-embedded-kafka-readiness");
    try (Admin admin = Admin.create(props)) {
      BrokerNode first = node(nodeIds.iterator().next());
      while (true) {
        Set<Integer> seen = new TreeSet<>();
        try {
          for (Node n : admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS)) {
            seen.add(n.id());
          }
        } catch (ExecutionException | TimeoutException e) {
          LOG.debug("Cluster not ready yet: {}", e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WebmonException("Interrupted while waiting for Kafka to start", e);
        }
        if (seen.containsAll(nodeIds)) {
          return;
        }
        for (int id : nodeIds) {
          checkAlive(node(id));
        }
        pause(first, deadline);
      }
    }
  }

  /**
   * Creates (or updates) the SCRAM credential over the PLAINTEXT listener, then waits until a
   * login over SASL_SSL works: each broker applies the credential from the metadata log shortly
   * after the controller committed it.
   */
  private void createScramUser(ScramUser user) {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "webmon-embedded-kafka-scram");
    try (Admin admin = Admin.create(props)) {
      admin
          .alterUserScramCredentials(
              List.of(new UserScramCredentialUpsertion(user.name(), new ScramCredentialInfo(SCRAM_MECHANISM, 4096), user.password().reveal())))
          .all()
          .get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new WebmonException("Cannot create the SCRAM credential of Kafka user " + user.name() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("Interrupted while creating a SCRAM credential", e);
    }
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Map<String, Object> sasl = new HashMap<>(saslSslConfig().clientProperties());
    sasl.put(AdminClientConfig.CLIENT_ID_CONFIG, "webmon-embedded-kafka-sasl-readiness");
    try (Admin admin = Admin.create(sasl)) {
      while (true) {
        try {
          if (admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS).size() == nodes.size()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          LOG.debug("SASL_SSL login not accepted yet: {}", e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WebmonException("Interrupted while waiting for the SASL_SSL listener", e);
        }
        pause(nodes.get(0), deadline);
      }
    }
  }

  private String bootstrapOf(Set<Integer> nodeIds) {
    return nodeIds.stream().map(id -> "127.0.0.1:" + node(id).port()).collect(Collectors.joining(","));
  }

  /** Waits a little (returning early if the node dies); fails once past the deadline. */
  private void pause(BrokerNode node, long deadline) {
    checkAlive(node);
    if (System.nanoTime() > deadline) {
      throw new WebmonException(
          "Kafka node " + node.id() + " did not join the cluster within " + startTimeout.toSeconds()
              + " s. Last lines of " + node.logFile() + ":\n" + tail(node.logFile()));
    }
    try {
      node.process().orElseThrow().waitFor(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("Interrupted while waiting for Kafka to start", e);
    }
  }

  private static void checkAlive(BrokerNode node) {
    Process p = node.process().orElseThrow(() -> new IllegalStateException("node " + node.id() + " is not running"));
    if (!p.isAlive()) {
      throw new WebmonException(
          "Kafka node " + node.id() + " exited with code " + p.exitValue() + " while starting. Last lines of "
              + node.logFile() + ":\n" + tail(node.logFile()));
    }
  }

  private static void awaitExit(Process p, Duration timeout, int nodeId) {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new WebmonException("Kafka node " + nodeId + " (pid " + p.pid() + ") did not exit within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("Interrupted while waiting for Kafka node " + nodeId + " to exit", e);
    }
  }

  private BrokerNode node(int nodeId) {
    if (nodeId < 1 || nodeId > nodes.size()) {
      throw new IllegalArgumentException("no node " + nodeId + "; node ids are 1.." + nodes.size());
    }
    return nodes.get(nodeId - 1);
  }

  private ScramUser requireSasl() {
    return scramUser.orElseThrow(
        () -> new IllegalStateException("this cluster has no SASL_SSL listener: build it with saslSslListener(user, password)"));
  }

  private void requireSsl() {
    if (!ssl) {
      throw new IllegalStateException("this cluster has no SSL listener: build it with sslListener(true)");
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new WebmonException("Cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

}
