package dev.webmon.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the one warning of our dependencies that is known to be noise, so that a clean start
 * logs no WARN: kafka-clients 4.0 to 4.3 log "Not updating last stable offset (or high watermark)
 * for partition … as it is no longer assigned" whenever an offsets response arrives for a
 * partition the consumer has let go (KAFKA-20131), e.g. the alerter's global consumer after
 * restoring a global store; kafka-clients 4.4 logs it at DEBUG (KAFKA-20449). Every other
 * message of that logger, and this one at DEBUG, passes. Installed by {@code logback.xml}.
 */
public final class KnownNoiseFilter extends TurboFilter {
  static final String LOGGER = "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils";
  static final String TEXT = "Not updating ";
  static final String TAIL = "as it is no longer assigned";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // Kafka's LogContext puts "[Consumer clientId=…, groupId=…] " before the message.
    if (level == Level.WARN && format != null && format.endsWith(TAIL) && format.contains(TEXT) && logger.getName().equals(LOGGER)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
