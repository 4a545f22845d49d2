package dev.webmon.notifier;

import java.util.Objects;
import java.util.Optional;

/**
 * A channel's own subject and body, as Pebble templates over {@link Notification#templateModel()};
 * an absent one means the default of the channel type ({@link DefaultMessages}).
 */
record MessageTemplate(Optional<String> subject, Optional<String> body) {
  static final MessageTemplate NONE = new MessageTemplate(Optional.empty(), Optional.empty());

  MessageTemplate {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
  }
}
