package dev.webmon.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.CheckResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CopyEncoderTest {
  private static final Instant AT = Instant.parse("2026-01-02T03:04:05.678901234Z");

  @Test
  void timestampsAreMicrosecondsSincePostgresqlsEpoch() {
    assertThat(CopyEncoder.pgMicros(Instant.parse("2000-01-01T00:00:00Z"))).isZero();
    assertThat(CopyEncoder.pgMicros(Instant.parse("2000-01-01T00:00:01.000001999Z"))).isEqualTo(1_000_001);
    assertThat(CopyEncoder.pgMicros(Instant.EPOCH)).isEqualTo(-946_684_800_000_000L);
  }

  @Test
  void binaryStreamHasTheSignatureTheRowsAndTheTrailer() {
    CopyEncoder e = new CopyEncoder(CopyEncoder.Format.BINARY);
    CheckResult r = Fixtures.up("t-1", "eu", AT, 1234);
    e.add(r);
    e.add(Fixtures.down("t-2", "us", AT, 99));
    e.finish();
    byte[] bytes = Arrays.copyOf(e.buffer(), e.length());
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] signature = new byte[11];
    b.get(signature);
    assertThat(signature).isEqualTo(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
    assertThat(b.getInt()).isZero(); // flags
    assertThat(b.getInt()).isZero(); // extension
    assertThat(b.getShort()).isEqualTo((short) 24);
    assertThat(b.getInt()).isEqualTo(3);
    byte[] target = new byte[3];
    b.get(target);
    assertThat(new String(target, StandardCharsets.UTF_8)).isEqualTo("t-1");
    assertThat(b.getInt()).isEqualTo(8);
    assertThat(b.getLong()).isEqualTo(CopyEncoder.pgMicros(AT));
    assertThat(b.getInt()).isEqualTo(16);
    assertThat(b.getLong()).isEqualTo(r.resultId().getMostSignificantBits());
    assertThat(b.getLong()).isEqualTo(r.resultId().getLeastSignificantBits());
    assertThat(e.rows()).isEqualTo(2);
    assertThat(ByteBuffer.wrap(bytes, bytes.length - 2, 2).getShort()).isEqualTo((short) -1);
  }

  @Test
  void textRowsEscapeTheSpecialCharactersAndReplaceNul() {
    CopyEncoder e = new CopyEncoder(CopyEncoder.Format.TEXT);
    e.add(Fixtures.base("t", "eu", AT, 5).down(dev.webmon.event.Reason.TIMEOUT).detail("a\tb\nc\\d\re\0f").build());
    String row = new String(e.buffer(), 0, e.length(), StandardCharsets.UTF_8);
    assertThat(row).endsWith("a\\tb\\nc\\\\d\\re\uFFFDf\tf\n"); // detail, then maintenance = false
    assertThat(row.split("\t", -1)).hasSize(24);
    assertThat(row).startsWith("t\t2026-01-02 03:04:05.678901+00\t");
    assertThat(row).contains("\tf\tTIMEOUT\t\\N\t"); // up = false, no status code
  }

  @Test
  void maintenanceIsTheLastColumnInBothFormats() {
    CheckResult flagged = Fixtures.up("t", "eu", AT, 1).withMaintenance(true);
    CopyEncoder text = new CopyEncoder(CopyEncoder.Format.TEXT);
    text.add(flagged);
    assertThat(new String(text.buffer(), 0, text.length(), StandardCharsets.UTF_8)).endsWith("\tt\n");
    assertThat(CopyEncoder.COLUMNS).endsWith(", detail, maintenance");

    CopyEncoder binary = new CopyEncoder(CopyEncoder.Format.BINARY);
    binary.add(flagged);
    int flaggedLength = binary.length();
    byte[] bytes = Arrays.copyOf(binary.buffer(), flaggedLength);
    // The row ends with the boolean field: length 1, then 1 (true).
    assertThat(ByteBuffer.wrap(bytes, flaggedLength - 5, 4).getInt()).isEqualTo(1);
    assertThat(bytes[flaggedLength - 1]).isEqualTo((byte) 1);
    binary.reset();
    binary.add(flagged.withMaintenance(false));
    assertThat(binary.length()).isEqualTo(flaggedLength);
    assertThat(binary.buffer()[binary.length() - 1]).isZero();
  }

  @Test
  void resettingStartsANewStream() {
    CopyEncoder e = new CopyEncoder(CopyEncoder.Format.BINARY);
    e.add(Fixtures.up("t", "eu", AT, 1));
    e.reset();
    assertThat(e.length()).isEqualTo(19);
    assertThat(e.rows()).isZero();
    assertThat(e.copySql("x")).isEqualTo("COPY x (" + CopyEncoder.COLUMNS + ") FROM STDIN (FORMAT binary)");
  }
}
