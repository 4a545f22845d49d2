package dev.webmon.alerter;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Someone acknowledged an open incident: it stays open (and keeps changing) until RESOLVED.
 *
 * @param by who, as the web's user name
 * @param note what they said, if anything
 * @param at when they did (the command's instant)
 */
record Ack(String by, Optional<String> note, Instant at) {
  Ack {
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(at, "at");
  }
}
