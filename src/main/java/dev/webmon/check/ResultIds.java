package dev.webmon.check;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Result ids: UUID version 7 (RFC 9562), 48 bits of Unix milliseconds then 74 random bits. Time
 * ordered, so the sink's unique index grows at its right edge instead of splitting random pages;
 * and cheap, without {@link UUID#randomUUID()}'s shared SecureRandom. Unique enough for
 * deduplication: two ids collide only within one millisecond and then with probability 2^-74.
 * Thread-safe.
 */
final class ResultIds {
  private ResultIds() {}

  static UUID next(long epochMillis) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0fffL);
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
