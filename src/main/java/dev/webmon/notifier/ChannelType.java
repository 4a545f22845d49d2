package dev.webmon.notifier;

/** The kinds of channel a notification can go to. */
enum ChannelType {
  WEBHOOK,
  SLACK,
  TEAMS,
  DISCORD,
  PAGERDUTY,
  OPSGENIE,
  TELEGRAM,
  NTFY,
  EMAIL
}
