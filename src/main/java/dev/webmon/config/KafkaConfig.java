package dev.webmon.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How to reach Kafka: bootstrap servers and security as managed services hand it out (PLAINTEXT;
 * SSL with the three PEM files or with keystores; SASL_SSL with SCRAM or PLAIN).
 */
public record KafkaConfig(
    String bootstrapServers,
    SecurityProtocol securityProtocol,
    Optional<Path> sslCaFile,
    Optional<Path> sslCertFile,
    Optional<Path> sslKeyFile,
    Optional<Secret> sslKeyPassword,
    Optional<Path> sslKeystoreFile,
    Optional<Secret> sslKeystorePassword,
    Optional<Path> sslTruststoreFile,
    Optional<Secret> sslTruststorePassword,
    boolean sslVerifyHostname,
    SaslMechanism saslMechanism,
    Optional<String> saslUsername,
    Optional<Secret> saslPassword,
    Duration requestTimeout) {

  /** The security protocols webmon supports. */
  public enum SecurityProtocol {
    PLAINTEXT,
    SSL,
    SASL_SSL,
    SASL_PLAINTEXT
  }

  /** SASL mechanisms for SASL_SSL. */
  public enum SaslMechanism {
    SCRAM_SHA_256,
    SCRAM_SHA_512,
    PLAIN;

    String kafkaName() {
      return name().replace('_', '-');
    }
  }

  public static final ConfigKey<String> BOOTSTRAP_SERVERS =
      ConfigKey.of(
          "kafka.bootstrap-servers",
          "localhost:9092",
          "Kafka bootstrap servers, host:port[,host:port...].",
          Parser.nonBlank());
  public static final ConfigKey<SecurityProtocol> SECURITY_PROTOCOL =
      ConfigKey.of(
          "kafka.security-protocol",
          "PLAINTEXT",
          "How clients talk to the brokers.",
          Parser.oneOf(SecurityProtocol.class));
  public static final ConfigKey<String> SSL_CA_FILE =
      ConfigKey.optional(
          "kafka.ssl.ca-file", "PEM file with the CA certificate(s) that signed the brokers' certificates (managed services: ca.pem).", Parser.nonBlank());
  public static final ConfigKey<String> SSL_CERT_FILE =
      ConfigKey.optional(
          "kafka.ssl.cert-file", "PEM file with the client (access) certificate for mutual TLS (managed services: service.cert).", Parser.nonBlank());
  public static final ConfigKey<String> SSL_KEY_FILE =
      ConfigKey.optional(
          "kafka.ssl.key-file", "PEM file with the client (access) private key, PKCS#8 (managed services: service.key). Must be chmod 600.", Parser.nonBlank());
  public static final ConfigKey<Secret> SSL_KEY_PASSWORD =
      ConfigKey.secret("kafka.ssl.key-password", "Password of an encrypted client key or of the key in the keystore.");
  public static final ConfigKey<String> SSL_KEYSTORE_FILE =
      ConfigKey.optional("kafka.ssl.keystore-file", "PKCS12/JKS keystore with the client certificate and key (alternative to the PEM files).", Parser.nonBlank());
  public static final ConfigKey<Secret> SSL_KEYSTORE_PASSWORD =
      ConfigKey.secret("kafka.ssl.keystore-password", "Password of the keystore.");
  public static final ConfigKey<String> SSL_TRUSTSTORE_FILE =
      ConfigKey.optional("kafka.ssl.truststore-file", "PKCS12/JKS truststore with the CA (alternative to kafka.ssl.ca-file).", Parser.nonBlank());
  public static final ConfigKey<Secret> SSL_TRUSTSTORE_PASSWORD =
      ConfigKey.secret("kafka.ssl.truststore-password", "Password of the truststore.");
  public static final ConfigKey<Boolean> SSL_VERIFY_HOSTNAME =
      ConfigKey.of("kafka.ssl.verify-hostname", "true", "Verify that broker certificates match the host name (keep true outside tests).", Parser.bool());
  public static final ConfigKey<SaslMechanism> SASL_MECHANISM =
      ConfigKey.of("kafka.sasl.mechanism", "SCRAM_SHA_256", "SASL mechanism for SASL_SSL/SASL_PLAINTEXT.", Parser.oneOf(SaslMechanism.class));
  public static final ConfigKey<String> SASL_USERNAME =
      ConfigKey.optional("kafka.sasl.username", "SASL user name.", Parser.nonBlank());
  public static final ConfigKey<Secret> SASL_PASSWORD =
      ConfigKey.secret("kafka.sasl.password", "SASL password (prefer kafka.sasl.password-file or the environment).");
  public static final ConfigKey<String> SASL_PASSWORD_FILE =
      ConfigKey.optional("kafka.sasl.password-file", "File holding the SASL password. Must be chmod 600.", Parser.nonBlank());
  public static final ConfigKey<Duration> REQUEST_TIMEOUT =
      ConfigKey.of(
          "kafka.request-timeout",
          "30s",
          "Upper bound for a Kafka request, including waiting for an unreachable cluster.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          BOOTSTRAP_SERVERS,
          SECURITY_PROTOCOL,
          SSL_CA_FILE,
          SSL_CERT_FILE,
          SSL_KEY_FILE,
          SSL_KEY_PASSWORD,
          SSL_KEYSTORE_FILE,
          SSL_KEYSTORE_PASSWORD,
          SSL_TRUSTSTORE_FILE,
          SSL_TRUSTSTORE_PASSWORD,
          SSL_VERIFY_HOSTNAME,
          SASL_MECHANISM,
          SASL_USERNAME,
          SASL_PASSWORD,
          SASL_PASSWORD_FILE,
          REQUEST_TIMEOUT);

  /** Reads and validates the Kafka settings; fails naming the key. */
  public static KafkaConfig from(Settings s) {
    SecurityProtocol protocol = s.get(SECURITY_PROTOCOL);
    Optional<Path> ca = s.find(SSL_CA_FILE).map(Path::of);
    Optional<Path> cert = s.find(SSL_CERT_FILE).map(Path::of);
    Optional<Path> key = s.find(SSL_KEY_FILE).map(Path::of);
    Optional<Path> keystore = s.find(SSL_KEYSTORE_FILE).map(Path::of);
    Optional<Path> truststore = s.find(SSL_TRUSTSTORE_FILE).map(Path::of);
    Optional<Secret> saslPassword = s.find(SASL_PASSWORD);
    Optional<String> passwordFile = s.find(SASL_PASSWORD_FILE);
    if (passwordFile.isPresent()) {
      saslPassword = Optional.of(SecretFiles.read(Path.of(passwordFile.get()), SASL_PASSWORD_FILE.name()));
    }
    boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    if (tls) {
      ca.ifPresent(p -> requireReadable(p, SSL_CA_FILE));
      cert.ifPresent(p -> requireReadable(p, SSL_CERT_FILE));
      keystore.ifPresent(p -> requireReadable(p, SSL_KEYSTORE_FILE));
      truststore.ifPresent(p -> requireReadable(p, SSL_TRUSTSTORE_FILE));
      if (key.isPresent()) {
        requireReadable(key.get(), SSL_KEY_FILE);
        SecretFiles.requirePrivate(key.get(), SSL_KEY_FILE.name());
      }
      if (keystore.isPresent()) {
        SecretFiles.requirePrivate(keystore.get(), SSL_KEYSTORE_FILE.name());
      }
      if (cert.isPresent() != key.isPresent()) {
        throw new ConfigException(
            "'" + SSL_CERT_FILE.name() + "' and '" + SSL_KEY_FILE.name() + "' go together: set both (mutual TLS) or neither.");
      }
      if (cert.isPresent() && keystore.isPresent()) {
        throw new ConfigException(
            "Set either the PEM files ('" + SSL_CERT_FILE.name() + "', '" + SSL_KEY_FILE.name() + "') or '"
                + SSL_KEYSTORE_FILE.name() + "', not both.");
      }
      if (ca.isPresent() && truststore.isPresent()) {
        throw new ConfigException(
            "Set either '" + SSL_CA_FILE.name() + "' or '" + SSL_TRUSTSTORE_FILE.name() + "', not both.");
      }
    }
    boolean sasl = protocol == SecurityProtocol.SASL_SSL || protocol == SecurityProtocol.SASL_PLAINTEXT;
    if (sasl && (s.find(SASL_USERNAME).isEmpty() || saslPassword.isEmpty())) {
      throw new ConfigException(
          "'" + SECURITY_PROTOCOL.name() + "' is " + protocol + ": set '" + SASL_USERNAME.name() + "' and '"
              + SASL_PASSWORD.name() + "' (or '" + SASL_PASSWORD_FILE.name() + "').");
    }
    return new KafkaConfig(
        s.get(BOOTSTRAP_SERVERS),
        protocol,
        ca,
        cert,
        key,
        s.find(SSL_KEY_PASSWORD),
        keystore,
        s.find(SSL_KEYSTORE_PASSWORD),
        truststore,
        s.find(SSL_TRUSTSTORE_PASSWORD),
        s.get(SSL_VERIFY_HOSTNAME),
        s.get(SASL_MECHANISM),
        s.find(SASL_USERNAME),
        saslPassword,
        s.get(REQUEST_TIMEOUT));
  }

  /** A plaintext config for the given servers, as the embedded broker and tests use. */
  public static KafkaConfig plaintext(String bootstrapServers) {
    return from(Settings.of(Map.of(BOOTSTRAP_SERVERS.name(), bootstrapServers)));
  }

  /** Properties common to producers, consumers and admin clients. Contains secrets: never log. */
  public Map<String, Object> clientProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol.name());
    int timeoutMs = Math.toIntExact(requestTimeout.toMillis());
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, 1000));
    if (securityProtocol == SecurityProtocol.SSL || securityProtocol == SecurityProtocol.SASL_SSL) {
      p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, sslVerifyHostname ? "https" : "");
      if (sslCaFile.isPresent()) {
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, new Password(read(sslCaFile.get())));
      }
      if (sslTruststoreFile.isPresent()) {
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, sslTruststoreFile.get().toString());
        sslTruststorePassword.ifPresent(pw -> p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, new Password(pw.reveal())));
      }
      if (sslCertFile.isPresent() && sslKeyFile.isPresent()) {
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, new Password(read(sslCertFile.get())));
        p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(read(sslKeyFile.get())));
        sslKeyPassword.ifPresent(pw -> p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(pw.reveal())));
      }
      if (sslKeystoreFile.isPresent()) {
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, sslKeystoreFile.get().toString());
        sslKeystorePassword.ifPresent(pw -> p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, new Password(pw.reveal())));
        sslKeyPassword.ifPresent(pw -> p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(pw.reveal())));
      }
    }
    if (securityProtocol == SecurityProtocol.SASL_SSL || securityProtocol == SecurityProtocol.SASL_PLAINTEXT) {
      String module =
          saslMechanism == SaslMechanism.PLAIN
              ? "org.apache.kafka.common.security.plain.PlainLoginModule"
              : "org.apache.kafka.common.security.scram.ScramLoginModule";
      p.put(SaslConfigs.SASL_MECHANISM, saslMechanism.kafkaName());
      p.put(
          SaslConfigs.SASL_JAAS_CONFIG,
          new Password(
              module
                  + " required username=\""
                  + jaasEscape(saslUsername.orElseThrow())
                  + "\" password=\""
                  + jaasEscape(saslPassword.orElseThrow().reveal())
                  + "\";"));
    }
    return p;
  }

  /**
   * A client id naming this process in the broker's logs and metrics: {@code prefix}, this host's
   * name (characters other than {@code [a-zA-Z0-9._-]} as {@code -}; {@code unknown} if it has
   * none) and 8 random hex digits, joined by {@code -}.
   */
  public static String clientId(String prefix) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName().replaceAll("[^a-zA-Z0-9._-]", "-");
    } catch (UnknownHostException e) {
      host = "unknown";
    }
    return prefix + "-" + host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * {@link #clientProperties()} plus what every webmon producer needs: {@code acks=all} and
   * idempotence with at most 5 requests in flight, so a retry neither loses, duplicates nor
   * reorders a record within a producer session. Callers add their batching and timeouts.
   * Contains secrets: never log.
   */
  public Map<String, Object> producerProperties(String clientId) {
    Map<String, Object> p = clientProperties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    return p;
  }

  /**
   * {@link #clientProperties()} plus the base of a group member that stores its positions itself
   * and sees committed records only: {@code group.id}, {@code client.id}, no auto-commit,
   * {@code read_committed}, the cooperative sticky assignor, byte-array keys and values. Callers
   * add their offset reset, session, heartbeat and fetch settings. Contains secrets: never log.
   */
  public Map<String, Object> readCommittedConsumerProperties(String groupId, String clientId) {
    Map<String, Object> p = clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * What to check when a Kafka client failed with this exception: the SASL settings for a rejected
   * login, the TLS settings for a failed handshake; empty for other failures. Names settings and
   * the user name, never a password.
   */
  public Optional<String> failureHint(Throwable failure) {
    if (failure instanceof SaslAuthenticationException) {
      return Optional.of(
          "The brokers rejected the " + saslMechanism.kafkaName() + " login of user '" + saslUsername.orElse("")
              + "': check '" + SASL_USERNAME.name() + "', '" + SASL_PASSWORD.name() + "' (or '" + SASL_PASSWORD_FILE.name()
              + "') and '" + SASL_MECHANISM.name() + "' against the credentials of the service.");
    }
    if (failure instanceof SslAuthenticationException) {
      return Optional.of(
          "The TLS handshake failed: check that '" + SSL_CA_FILE.name() + "' (or '" + SSL_TRUSTSTORE_FILE.name()
              + "') holds the CA of the brokers' certificates, that the hosts in '" + BOOTSTRAP_SERVERS.name()
              + "' are names those certificates list ('" + SSL_VERIFY_HOSTNAME.name() + "'), and for mutual TLS '"
              + SSL_CERT_FILE.name() + "' and '" + SSL_KEY_FILE.name() + "'.");
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "KafkaConfig[bootstrapServers=" + bootstrapServers + ", securityProtocol=" + securityProtocol + "]";
  }

  private static String jaasEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static void requireReadable(Path path, ConfigKey<?> key) {
    if (!Files.isReadable(path)) {
      throw new ConfigException("'" + key.name() + "': cannot read file " + path + ".");
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + path + ": " + e.getMessage());
    }
  }
}
