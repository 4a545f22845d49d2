package dev.webmon.alerter;

import java.util.Locale;

/** What an incident is about. */
enum Severity {
  DOWN,
  DEGRADED,
  NO_DATA,
  /** The target changed state too often; one incident instead of open/resolve spam. */
  FLAPPING,
  /** The certificate expires soon; its own lane, independent of the others. */
  CERTIFICATE;

  /** The wire name: {@code down}, {@code degraded}, {@code no-data}, {@code flapping}, .... */
  String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Severity of(Status status) {
    return switch (status) {
      case DOWN -> DOWN;
      case DEGRADED -> DEGRADED;
      case UNKNOWN -> NO_DATA;
      case UP -> throw new IllegalArgumentException("an UP target has no incident");
    };
  }
}
