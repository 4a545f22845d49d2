package dev.webmon.notifier;

import java.util.Locale;

/** The kinds of channel a notification can go to; the wire name is the lower-case name. */
enum ChannelType {
  WEBHOOK,
  SLACK,
  TEAMS,
  DISCORD,
  PAGERDUTY,
  OPSGENIE,
  TELEGRAM,
  NTFY,
  EMAIL;

  /** {@code webhook}, {@code slack}, … as the API and the configuration write it. */
  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
