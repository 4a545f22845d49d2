package dev.webmon.alerter;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads what {@link StateWriter} wrote; every read past the end, or a varint longer than a long,
 * throws an {@link IOException} (the caller reports the state as truncated). Not thread-safe.
 */
final class StateReader {
  private final byte[] buf;
  private int pos;

  StateReader(byte[] buf, int offset) {
    this.buf = buf;
    this.pos = offset;
  }

  int remaining() {
    return buf.length - pos;
  }

  int readByte() throws IOException {
    need(1);
    return buf[pos++];
  }

  boolean readBoolean() throws IOException {
    return readByte() != 0;
  }

  int readCount() throws IOException {
    long v = readVarLong();
    if (v > Integer.MAX_VALUE) {
      throw new IOException("count " + v + " out of range");
    }
    return (int) v;
  }

  long readLong() throws IOException {
    long v = readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  UUID readUuid() throws IOException {
    need(16);
    return new UUID(getLong(), getLong());
  }

  Optional<UUID> readOptUuid() throws IOException {
    return readBoolean() ? Optional.of(readUuid()) : Optional.empty();
  }

  Instant readInstant() throws IOException {
    long seconds = readLong();
    return Instant.ofEpochSecond(seconds, readCount());
  }

  Optional<Instant> readOptInstant() throws IOException {
    return readBoolean() ? Optional.of(readInstant()) : Optional.empty();
  }

  String readString() throws IOException {
    int n = readCount();
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  Optional<String> readOptString() throws IOException {
    return readBoolean() ? Optional.of(readString()) : Optional.empty();
  }

  private long readVarLong() throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("varint longer than 10 bytes");
  }

  private long getLong() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  private void need(int n) throws EOFException {
    if (n < 0 || pos + n > buf.length) {
      throw new EOFException();
    }
  }
}
