package dev.webmon.alerter;

/** The state of one location of a target, or of the target as a whole. */
enum Status {
  UP,
  DOWN,
  DEGRADED,
  /** Silent: no result for 3 × interval + timeout; never counted as up or down. */
  UNKNOWN
}
