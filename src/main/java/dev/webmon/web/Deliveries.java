package dev.webmon.web;

import dev.webmon.store.DeliveryLog;
import dev.webmon.store.Jdbc;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** The delivery log for the pages and the API: an incident's attempts, a channel's, the failing channels. Thread-safe. */
final class Deliveries {
  private final DataSource dataSource;
  private final DeliveryLog log;

  Deliveries(DataSource dataSource, DeliveryLog log) {
    this.dataSource = dataSource;
    this.log = log;
  }

  List<DeliveryLog.Attempt> ofIncident(UUID incidentId) {
    return Jdbc.read(dataSource, c -> log.ofIncident(c, incidentId));
  }

  List<DeliveryLog.Attempt> ofChannel(String channelId, int limit) {
    return Jdbc.read(dataSource, c -> log.ofChannel(c, channelId, limit));
  }

  /** The channels whose latest delivery failed or is being retried. */
  List<DeliveryLog.Failing> failing() {
    return Jdbc.read(dataSource, log::failing);
  }
}
