package dev.webmon.notifier;

/**
 * A rendered message: a subject (email subject, title, summary) and a body. Neither is blank.
 */
record Message(String subject, String body) {
  Message {
    if (subject.isBlank() || body.isBlank()) {
      throw new IllegalArgumentException("a message needs a subject and a body");
    }
  }
}
