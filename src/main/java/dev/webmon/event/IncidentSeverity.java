package dev.webmon.event;

import java.util.Locale;

/** What an incident is about. Adding a value is a major schema change. */
public enum IncidentSeverity {
  /** At least quorum locations find the target down. */
  DOWN,
  /** At least quorum locations find it down or slow, fewer than quorum down. */
  DEGRADED,
  /** Every location is silent. */
  NO_DATA,
  /** The state changed too often: one incident instead of open/resolve spam. */
  FLAPPING,
  /** The TLS certificate expires within the policy's warning days. */
  CERTIFICATE;

  /** The wire name: {@code down}, {@code degraded}, {@code no-data}, {@code flapping}, {@code certificate}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The severity of a wire name.
   *
   * @throws InvalidEventException (field {@code severity}) for any other text
   */
  public static IncidentSeverity fromWire(String text) {
    for (IncidentSeverity s : values()) {
      if (s.wireName().equals(text)) {
        return s;
      }
    }
    throw new InvalidEventException(
        "severity", "must be one of down, degraded, no-data, flapping, certificate");
  }
}
