package dev.webmon.infra;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests a real Kafka broker: ONE single-node {@link EmbeddedKafka} per test
 * JVM, started on first use and stopped when the test run ends. It has a PLAINTEXT listener and an
 * SSL listener requiring a client certificate ({@link EmbeddedKafka#sslClientFiles()}).
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class ResultSinkIT {
 *   @Test
 *   void writesResults(EmbeddedKafka kafka) {
 *     String topic = KafkaExtension.uniqueTopic("results");
 *     KafkaConfig config = kafka.kafkaConfig();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Tests share the broker, so each test uses its own topics ({@link #uniqueTopic(String)}) and
 * consumer group ids. Tests that kill brokers build their own {@link EmbeddedKafka}.
 */
public final class KafkaExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  /** The shared broker, started on first use; closed by JUnit at the end of the run. */
  public static EmbeddedKafka shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(EmbeddedKafka.class, k -> EmbeddedKafka.builder().sslListener(true).start(), EmbeddedKafka.class);
  }

  /** A topic (or group id) name no other test uses: {@code <base>-<n>-<random>}. */
  public static String uniqueTopic(String base) {
    String suffix = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    return base + "-" + COUNTER.incrementAndGet() + "-" + suffix;
  }
}
