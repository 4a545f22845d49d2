package dev.webmon.notifier;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one attempt to deliver a {@link Notification}: delivered, worth retrying
 * (receiver down, overloaded or rate limiting) or failed for good (refused address, bad
 * credentials, a request the receiver rejects). Every outcome says how long the attempt took and,
 * when the receiver answered, what it answered. Never carries a secret.
 */
sealed interface Delivery {
  /** What the receiver answered, if it answered at all. */
  Optional<Reply> reply();

  /** From the start of the attempt to its outcome. */
  Duration latency();

  /** One line for the delivery log and the "Send test" button. */
  String detail();

  /**
   * The receiver's answer.
   *
   * @param protocol HTTP or SMTP
   * @param code the HTTP status or the SMTP reply code
   * @param text the first bytes of the body, or the SMTP reply text (at most {@link #MAX_TEXT})
   */
  record Reply(Protocol protocol, int code, String text) {
    static final int MAX_TEXT = 300;

    public Reply {
      Objects.requireNonNull(protocol, "protocol");
      text = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
    }

    static Reply http(int status, String body) {
      return new Reply(Protocol.HTTP, status, body.strip());
    }

    static Reply smtp(int code, String text) {
      return new Reply(Protocol.SMTP, code, text.strip());
    }
  }

  /** The protocols channels speak. */
  enum Protocol {
    HTTP,
    SMTP
  }

  /** The receiver accepted it. */
  record Delivered(Optional<Reply> reply, Duration latency) implements Delivery {
    @Override
    public String detail() {
      return reply.map(r -> "delivered (" + r.protocol() + " " + r.code() + ")").orElse("delivered");
    }
  }

  /**
   * Not delivered this time; a later attempt may succeed.
   *
   * @param reason why, e.g. {@code "HTTP 503"}, {@code "connection refused"}, {@code "timed out"}
   * @param retryAfter how long the receiver asked to wait ({@code Retry-After}), if it did
   */
  record Retryable(String reason, Optional<Duration> retryAfter, Optional<Reply> reply, Duration latency)
      implements Delivery {
    @Override
    public String detail() {
      return "will retry: " + reason + retryAfter.map(d -> " (retry after " + d.toSeconds() + " s)").orElse("");
    }
  }

  /**
   * Not delivered and retrying cannot help until someone changes the channel or the receiver.
   *
   * @param reason why, e.g. {@code "HTTP 404"} or the address policy's refusal
   */
  record Failed(String reason, Optional<Reply> reply, Duration latency) implements Delivery {
    @Override
    public String detail() {
      return "failed: " + reason;
    }
  }
}
