package dev.webmon.agent;

import dev.webmon.event.CheckResult;

/** Where check results go. Implementations are thread-safe and must not throw. */
interface ResultHandler {
  /** Hands a result over for delivery; may block briefly (e.g. while the producer's buffer is full). */
  void publish(CheckResult result);
}
