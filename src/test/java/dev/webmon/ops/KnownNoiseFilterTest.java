package dev.webmon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class KnownNoiseFilterTest {
  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

  KnownNoiseFilterTest() {
    KnownNoiseFilter filter = new KnownNoiseFilter();
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    seen.setContext(context);
    seen.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.DEBUG);
    root.addAppender(seen);
  }

  @Test
  void dropsOnlyTheKnownKafkaWarning() {
    Logger fetcher = context.getLogger(KnownNoiseFilter.LOGGER);
    // As Kafka's LogContext logs it: the client's prefix first.
    fetcher.warn(
        "[Consumer clientId=webmon-alerter-global-consumer, groupId=null] Not updating last stable offset for partition {} as it is no longer assigned",
        "webmon.maintenance-0");
    fetcher.warn("Not updating high watermark for partition {} as it is no longer assigned", "webmon.maintenance-0");
    fetcher.warn("Attempt to fetch offsets for partition {} failed due to {}, retrying.", "webmon.results-0", "timeout");
    fetcher.debug("Not updating last stable offset for partition {} as it is no longer assigned", "webmon.results-1");
    context.getLogger("dev.webmon.sink.Sink").warn("Not updating the target table: {}", "reason");

    assertThat(seen.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Attempt to fetch offsets for partition webmon.results-0 failed due to timeout, retrying.",
            "Not updating last stable offset for partition webmon.results-1 as it is no longer assigned",
            "Not updating the target table: reason");
  }
}
