package dev.webmon.web;

import dev.webmon.event.IncidentCommand;
import dev.webmon.store.UnavailableException;

/**
 * Publishes requests about incidents (acknowledgements) to {@code <prefix>.incident-commands},
 * keyed by the incident's target id, for the alerter. Returns once the record is acknowledged by
 * all in-sync replicas, or throws. Thread-safe.
 */
public interface IncidentCommandPublisher {
  /**
   * Publishes one command (key = its target id).
   *
   * @throws UnavailableException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void publish(IncidentCommand command);

  /** A publisher for a web app that publishes no commands: every publish is a 503. */
  static IncidentCommandPublisher unavailable() {
    return command -> {
      throw new UnavailableException("Kafka", "This web app publishes no incident commands: the acknowledgement was not sent.");
    };
  }
}
