package dev.webmon.event;

/** Why a check is {@link Outcome#DOWN}. */
public enum Reason {
  /** The final status code is not in {@link TargetSpec#expectedStatus()}. */
  HTTP_STATUS,
  /** The body does not match {@link TargetSpec#mustMatch()}. */
  PATTERN_MISSING,
  /** The body matches {@link TargetSpec#mustNotMatch()}. */
  PATTERN_FORBIDDEN,
  /** The total timeout elapsed. */
  TIMEOUT,
  /** The host name did not resolve. */
  DNS,
  /** The TCP connection failed (refused, unreachable, reset). */
  CONNECT,
  /** The TLS handshake or certificate validation failed. */
  TLS,
  /** More redirects than {@link TargetSpec#maxRedirects()}. */
  TOO_MANY_REDIRECTS,
  /** The address resolved to is not allowed (e.g. loopback or link-local), by agent policy. */
  BLOCKED_ADDRESS,
  /** The server violated HTTP (garbled response, bad redirect location, ...). */
  PROTOCOL;

  /** True if a response with a status code must have been received for this reason. */
  boolean requiresStatusCode() {
    return this == HTTP_STATUS || this == PATTERN_MISSING || this == PATTERN_FORBIDDEN;
  }
}
