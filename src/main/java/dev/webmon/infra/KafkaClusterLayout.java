package dev.webmon.infra;

import dev.webmon.WebmonException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads or creates the persisted state of an {@link EmbeddedKafka} cluster in its data directory:
 * cluster id, ports, certificates and each node's {@code server.properties}.
 */
final class KafkaClusterLayout {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterLayout.class);
  private static final String STATE_FILE = "cluster.properties";

  private KafkaClusterLayout() {}

  static EmbeddedKafka prepare(EmbeddedKafka.Builder b, Path dir) {
    Path stateFile = dir.resolve(STATE_FILE);
    Properties state = new Properties();
    boolean existing = Files.exists(stateFile);
    if (existing) {
      state = FileTrees.loadProperties(stateFile);
      int had = Integer.parseInt(state.getProperty("nodes"));
      if (had != b.nodeCount) {
        throw new WebmonException(
            "Kafka data directory " + dir + " holds a " + had + "-node cluster but " + b.nodeCount
                + " nodes were asked for; use another directory or delete it.");
      }
    } else {
      state.setProperty("cluster.id", Uuid.randomUuid().toString());
      state.setProperty("nodes", Integer.toString(b.nodeCount));
    }
    boolean portsReusable = existing && portsFree(state, b);
    if (existing && !portsReusable) {
      LOG.warn("Ports of the Kafka cluster in {} are taken or missing: picking new ones", dir);
    }
    if (!portsReusable) {
      for (int id = 1; id <= b.nodeCount; id++) {
        for (String kind : portKinds(b)) {
          state.setProperty("node." + id + "." + kind, Integer.toString(EmbeddedKafka.freePort()));
        }
      }
    }
    store(state, stateFile);
    if (b.ssl || b.scramUser != null) {
      ensureCertificates(dir.resolve("tls"));
    }
    List<BrokerNode> nodes = new ArrayList<>();
    for (int id = 1; id <= b.nodeCount; id++) {
      BrokerNode node =
          new BrokerNode(
              id,
              dir.resolve("node-" + id),
              port(state, id, "port"),
              port(state, id, "controller-port"),
              port(state, id, "ssl-port"),
              b.scramUser == null ? 0 : port(state, id, "sasl-port"));
      nodes.add(node);
    }
    String voters =
        nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort()).collect(Collectors.joining(","));
    for (BrokerNode node : nodes) {
      writeServerProperties(node, voters, b, dir.resolve("tls"));
    }
    return new EmbeddedKafka(b, dir, state.getProperty("cluster.id"), List.copyOf(nodes));
  }

  private static boolean portsFree(Properties state, EmbeddedKafka.Builder b) {
    for (int id = 1; id <= b.nodeCount; id++) {
      for (String kind : portKinds(b)) {
        String v = state.getProperty("node." + id + "." + kind);
        if (v == null || !EmbeddedKafka.isFree(Integer.parseInt(v))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The ports of a node; the SASL port only when asked for, so older state files stay valid. */
  private static List<String> portKinds(EmbeddedKafka.Builder b) {
    return b.scramUser == null
        ? List.of("port", "controller-port", "ssl-port")
        : List.of("port", "controller-port", "ssl-port", "sasl-port");
  }

  private static int port(Properties state, int id, String kind) {
    return Integer.parseInt(state.getProperty("node." + id + "." + kind));
  }

  private static void ensureCertificates(Path tls) {
    if (Files.exists(tls.resolve("broker.p12")) && Files.exists(tls.resolve(CertificateAuthority.KEY_FILE))) {
      return;
    }
    CertificateAuthority ca = CertificateAuthority.create("webmon embedded Kafka CA");
    char[] password = randomPassword();
    CertificateAuthority.writeString(tls.resolve("store-password"), new String(password), true);
    CertificateAuthority.writeKeyStore(ca.issueLocalhost().keyStore(password), password, tls.resolve("broker.p12"));
    CertificateAuthority.writeKeyStore(ca.trustStore(), password, tls.resolve("truststore.p12"));
    ca.writeClientFiles(tls, ca.issueClient("webmon-client"));
  }

  private static void writeServerProperties(BrokerNode node, String voters, EmbeddedKafka.Builder b, Path tls) {
    int n = b.nodeCount;
    String rf = Integer.toString(n == 3 ? 3 : 1);
    String minIsr = Integer.toString(n == 3 ? 2 : 1);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(node.id()));
    p.put("controller.quorum.voters", voters);
    String listeners = "PLAINTEXT://127.0.0.1:" + node.port() + ",CONTROLLER://127.0.0.1:" + node.controllerPort();
    String advertised = "PLAINTEXT://127.0.0.1:" + node.port();
    if (b.ssl) {
      listeners += ",SSL://127.0.0.1:" + node.sslPort();
      advertised += ",SSL://127.0.0.1:" + node.sslPort();
    }
    if (b.scramUser != null) {
      listeners += ",SASL_SSL://127.0.0.1:" + node.saslPort();
      advertised += ",SASL_SSL://127.0.0.1:" + node.saslPort();
    }
    p.put("listeners", listeners);
    p.put("advertised.listeners", advertised);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", node.dir().resolve("data").toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", rf);
    p.put("min.insync.replicas", minIsr);
    p.put("offsets.topic.replication.factor", rf);
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", rf);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("transaction.state.log.num.partitions", "10");
    p.put("share.coordinator.state.topic.replication.factor", rf);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("group.initial.rebalance.delay.ms", "0");
    if (n > 1) {
      // Fence a dead node within seconds (default 9 s) so that failover tests stay short.
      p.put("broker.session.timeout.ms", "4000");
      p.put("broker.heartbeat.interval.ms", "500");
    }
    if (b.ssl) {
      String pw = read(tls.resolve("store-password"));
      String prefix = "listener.name.ssl.";
      putKeyStore(p, prefix, tls, pw);
      p.put(prefix + "ssl.truststore.type", "PKCS12");
      p.put(prefix + "ssl.truststore.location", tls.resolve("truststore.p12").toString());
      p.put(prefix + "ssl.truststore.password", pw);
      p.put(prefix + "ssl.client.auth", "required");
    }
    if (b.scramUser != null) {
      String prefix = "listener.name.sasl_ssl.";
      putKeyStore(p, prefix, tls, read(tls.resolve("store-password")));
      p.put(prefix + "sasl.enabled.mechanisms", EmbeddedKafka.SCRAM_MECHANISM.mechanismName());
      // The broker side of SCRAM needs no options: credentials come from the cluster metadata.
      p.put(prefix + "scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
    Properties props = new Properties();
    props.putAll(p);
    try {
      Files.createDirectories(node.dir());
    } catch (IOException e) {
      throw new WebmonException("Cannot create " + node.dir() + ": " + e.getMessage(), e);
    }
    // Holds the key store password: private to the owner.
    CertificateAuthority.writeString(node.serverProperties(), "", true);
    store(props, node.serverProperties());
  }

  private static void putKeyStore(Map<String, String> p, String prefix, Path tls, String password) {
    p.put(prefix + "ssl.keystore.type", "PKCS12");
    p.put(prefix + "ssl.keystore.location", tls.resolve("broker.p12").toString());
    p.put(prefix + "ssl.keystore.password", password);
    p.put(prefix + "ssl.key.password", password);
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  private static void store(Properties p, Path file) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "webmon embedded Kafka");
    } catch (IOException e) {
      throw new WebmonException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new WebmonException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
