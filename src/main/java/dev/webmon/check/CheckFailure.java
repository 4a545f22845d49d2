package dev.webmon.check;

import dev.webmon.event.Reason;
import java.io.Serial;

/** Ends a check as DOWN for {@link #reason()}. Control flow only: no stack trace (cheap to throw). */
final class CheckFailure extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final transient Reason reason;
  private final boolean beforeConnected;

  CheckFailure(Reason reason, String detail) {
    this(reason, detail, false);
  }

  /**
   * @param beforeConnected the TCP connect itself failed (refused, unreachable), so another
   *     address of the host may be tried
   */
  CheckFailure(Reason reason, String detail, boolean beforeConnected) {
    super(detail, null, false, false);
    this.reason = reason;
    this.beforeConnected = beforeConnected;
  }

  boolean beforeConnected() {
    return beforeConnected;
  }

  Reason reason() {
    return reason;
  }

  String detail() {
    return getMessage();
  }
}
