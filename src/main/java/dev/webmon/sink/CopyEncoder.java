package dev.webmon.sink;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import dev.webmon.event.PhaseTimings;
import dev.webmon.store.CheckResults;
import dev.webmon.store.CopyRows;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Encodes check results as rows of PostgreSQL's COPY for table {@code check_result}, into a
 * reusable growable buffer. Two formats: {@link Format#BINARY} (the default: PostgreSQL parses
 * nothing, timestamps and UUIDs travel as fixed-size integers) and {@link Format#TEXT}, kept for
 * comparison (see docs/benchmarks.md, "Sink").
 *
 * <p>PostgreSQL text cannot hold NUL characters, which a result's {@code detail} may contain
 * (JSON {@code \u0000}): they are stored as U+FFFD. Public for the benchmark's raw COPY
 * reference. Not thread-safe.
 */
public final class CopyEncoder implements CopyRows {
  /** COPY formats. */
  public enum Format {
    BINARY,
    TEXT
  }

  /** The columns, in the order rows are encoded. */
  public static final String COLUMNS =
      "target_id, started_at, result_id, target_version, location, agent_id, scheduled_at, up, reason, "
          + "status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, "
          + "http_version, remote_address, tls_expires_at, redirects, final_url, detail, maintenance";

  private static final int FIELDS = 24;
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  /** Seconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01 (UTC). */
  private static final long PG_EPOCH_SECONDS = 946_684_800L;

  private static final DateTimeFormatter TEXT_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

  private final Format format;
  private byte[] buf = new byte[64 * 1024];
  private int len;
  private int rows;

  public CopyEncoder(Format format) {
    this.format = format;
    reset();
  }

  /** The COPY statement matching this encoder's format, for the given table. */
  public String copySql(String table) {
    return CheckResults.copySql(table, COLUMNS, binary());
  }

  @Override
  public String columns() {
    return COLUMNS;
  }

  @Override
  public boolean binary() {
    return format == Format.BINARY;
  }

  /** Empties the buffer (and writes the binary header). */
  public void reset() {
    len = 0;
    rows = 0;
    if (format == Format.BINARY) {
      put(SIGNATURE);
      putInt(0); // flags
      putInt(0); // header extension length
    }
  }

  public int rows() {
    return rows;
  }

  /** The encoded bytes so far; {@link #finish()} first for a complete COPY stream. */
  @Override
  public byte[] buffer() {
    return buf;
  }

  @Override
  public int length() {
    return len;
  }

  /** Appends the binary trailer; call once after the last row. */
  public void finish() {
    if (format == Format.BINARY) {
      putShort(-1);
    }
  }

  public void add(CheckResult r) {
    rows++;
    if (format == Format.BINARY) {
      addBinary(r);
    } else {
      addText(r);
    }
  }

  private void addBinary(CheckResult r) {
    PhaseTimings t = r.timings();
    putShort(FIELDS);
    text(r.targetId());
    timestamp(r.startedAt());
    uuid(r.resultId());
    int8(r.targetVersion());
    text(r.location());
    text(r.agentId());
    timestamp(r.scheduledAt());
    putInt(1);
    putByte(r.outcome() == Outcome.UP ? 1 : 0);
    optionalText(r.reason().map(Enum::name));
    if (r.statusCode().isPresent()) {
      putInt(2);
      putShort(r.statusCode().get());
    } else {
      putInt(-1);
    }
    int8(t.dnsMicros());
    int8(t.connectMicros());
    int8(t.tlsMicros());
    int8(t.ttfbMicros());
    int8(t.transferMicros());
    int8(t.totalMicros());
    int8(r.bodyBytes());
    optionalText(r.httpVersion());
    optionalText(r.remoteAddress());
    if (r.tlsExpiresAt().isPresent()) {
      timestamp(r.tlsExpiresAt().get());
    } else {
      putInt(-1);
    }
    putInt(2);
    putShort(r.redirects());
    optionalText(r.finalUrl().map(Object::toString));
    optionalText(r.detail().map(CopyEncoder::withoutNul));
    putInt(1);
    putByte(r.maintenance() ? 1 : 0);
  }

  private void text(String s) {
    int lenPos = len;
    putInt(0);
    int start = len;
    putUtf8(s);
    int n = len - start;
    buf[lenPos] = (byte) (n >>> 24);
    buf[lenPos + 1] = (byte) (n >>> 16);
    buf[lenPos + 2] = (byte) (n >>> 8);
    buf[lenPos + 3] = (byte) n;
  }

  private void optionalText(Optional<String> s) {
    if (s.isPresent()) {
      text(s.get());
    } else {
      putInt(-1);
    }
  }

  private void timestamp(Instant i) {
    putInt(8);
    putLong(pgMicros(i));
  }

  static long pgMicros(Instant i) {
    return (i.getEpochSecond() - PG_EPOCH_SECONDS) * 1_000_000L + i.getNano() / 1000;
  }

  private void uuid(UUID u) {
    putInt(16);
    putLong(u.getMostSignificantBits());
    putLong(u.getLeastSignificantBits());
  }

  private void int8(long v) {
    putInt(8);
    putLong(v);
  }

  private void addText(CheckResult r) {
    PhaseTimings t = r.timings();
    StringBuilder sb = new StringBuilder(256);
    escaped(sb, r.targetId()).append('\t');
    sb.append(TEXT_TIME.format(truncate(r.startedAt()))).append('\t');
    sb.append(r.resultId()).append('\t');
    sb.append(r.targetVersion()).append('\t');
    escaped(sb, r.location()).append('\t');
    escaped(sb, r.agentId()).append('\t');
    sb.append(TEXT_TIME.format(truncate(r.scheduledAt()))).append('\t');
    sb.append(r.outcome() == Outcome.UP ? 't' : 'f').append('\t');
    optional(sb, r.reason().map(Enum::name)).append('\t');
    optional(sb, r.statusCode().map(String::valueOf)).append('\t');
    sb.append(t.dnsMicros()).append('\t');
    sb.append(t.connectMicros()).append('\t');
    sb.append(t.tlsMicros()).append('\t');
    sb.append(t.ttfbMicros()).append('\t');
    sb.append(t.transferMicros()).append('\t');
    sb.append(t.totalMicros()).append('\t');
    sb.append(r.bodyBytes()).append('\t');
    optional(sb, r.httpVersion()).append('\t');
    optional(sb, r.remoteAddress()).append('\t');
    optional(sb, r.tlsExpiresAt().map(i -> TEXT_TIME.format(truncate(i)))).append('\t');
    sb.append(r.redirects()).append('\t');
    optional(sb, r.finalUrl().map(Object::toString)).append('\t');
    optional(sb, r.detail().map(CopyEncoder::withoutNul)).append('\t');
    sb.append(r.maintenance() ? 't' : 'f').append('\n');
    putUtf8(sb.toString());
  }

  private static Instant truncate(Instant i) {
    return i.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  private static StringBuilder optional(StringBuilder sb, Optional<String> value) {
    return value.isPresent() ? escaped(sb, value.get()) : sb.append("\\N");
  }

  private static StringBuilder escaped(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb;
  }

  static String withoutNul(String s) {
    return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  private void putUtf8(String s) {
    int n = s.length();
    ensure(n * 3);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[len++] = (byte) c;
      } else {
        // Rare (detail text): let the JDK encode the rest.
        byte[] rest = s.substring(i).getBytes(StandardCharsets.UTF_8);
        put(rest);
        return;
      }
    }
  }

  private void put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void putByte(int v) {
    ensure(1);
    buf[len++] = (byte) v;
  }

  private void putShort(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void putInt(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void putLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[len++] = (byte) (v >>> shift);
    }
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
