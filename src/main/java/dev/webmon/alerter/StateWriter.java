package dev.webmon.alerter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * A growable byte buffer for {@link StateCodec}'s compact format: varints (zigzag for signed
 * longs), UUIDs as 16 bytes, instants as seconds and nanos, strings as their UTF-8 length and
 * bytes (ASCII copied char by char, no allocation). Reused per thread by {@link #reset}. Not
 * thread-safe.
 */
final class StateWriter {
  private byte[] buf = new byte[512];
  private int pos;

  StateWriter reset() {
    pos = 0;
    return this;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  void writeBoolean(boolean b) {
    writeByte(b ? 1 : 0);
  }

  /** An unsigned varint; {@code v} must not be negative (counts, sizes, thresholds). */
  void writeCount(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative count " + v);
    }
    writeVarLong(v);
  }

  /** A signed long, zigzag varint. */
  void writeLong(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  void writeUuid(UUID id) {
    ensure(16);
    putLong(id.getMostSignificantBits());
    putLong(id.getLeastSignificantBits());
  }

  void writeOptUuid(Optional<UUID> id) {
    writeBoolean(id.isPresent());
    if (id.isPresent()) {
      writeUuid(id.get());
    }
  }

  void writeInstant(Instant t) {
    writeLong(t.getEpochSecond());
    writeVarLong(t.getNano());
  }

  void writeOptInstant(Optional<Instant> t) {
    writeBoolean(t.isPresent());
    if (t.isPresent()) {
      writeInstant(t.get());
    }
  }

  void writeString(String s) {
    int n = s.length();
    ensure(n + 5);
    int start = pos;
    writeVarLong(n); // the UTF-8 length equals n when every char is ASCII, the usual case
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        pos = start;
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarLong(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
        return;
      }
      buf[pos++] = (byte) c;
    }
  }

  void writeOptString(Optional<String> s) {
    writeBoolean(s.isPresent());
    if (s.isPresent()) {
      writeString(s.get());
    }
  }

  private void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  private void putLong(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[pos++] = (byte) (v >>> shift);
    }
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
