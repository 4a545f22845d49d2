package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.event.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BodyTextTest {
  private static final Deadline FAR = new Deadline(System.nanoTime(), Duration.ofMinutes(1).toNanos());

  private static String text(byte[] body, int length, boolean truncated, String encoding, String type, int cap)
      throws CheckFailure {
    return BodyText.text(body, length, truncated, encoding, type, cap, FAR).text();
  }

  private static BodyText.Decoded decoded(byte[] body, boolean truncated, String encoding, String type, int cap)
      throws CheckFailure {
    return BodyText.text(body, body.length, truncated, encoding, type, cap, FAR);
  }

  @Test
  void aBodyDecodedPastTheCapIsReportedCut() throws Exception {
    byte[] gz = gzip(new byte[4096]);
    assertThat(decoded(gz, false, "gzip", null, 4096).cut()).as("exactly the cap: complete").isFalse();
    assertThat(decoded(gz, false, "gzip", null, 4095).cut()).as("one byte more than the cap").isTrue();
    assertThat(decoded("abc".getBytes(StandardCharsets.US_ASCII), true, null, null, 10).cut()).as("cut on the wire").isTrue();
  }

  @Test
  void aCutInsideAMultiByteCharacterLeavesNoReplacementCharacter() throws Exception {
    byte[] euro = "price 10\u20ac".getBytes(StandardCharsets.UTF_8);
    byte[] cut = Arrays.copyOf(euro, euro.length - 1);
    assertThat(decoded(cut, true, null, "text/html; charset=utf-8", 100).text()).isEqualTo("price 10");
    assertThat(decoded(cut, false, null, "text/html; charset=utf-8", 100).text()).isEqualTo("price 10\ufffd");
  }

  @Test
  void moreThanTwoContentEncodingLayersAreRefusedBeforeInflating() throws Exception {
    byte[] thrice = gzip(gzip(gzip("x".getBytes(StandardCharsets.US_ASCII))));
    assertThatThrownBy(() -> decoded(thrice, false, "gzip, gzip, gzip", null, 100))
        .isInstanceOfSatisfying(CheckFailure.class, f -> {
          assertThat(f.reason()).isEqualTo(Reason.PROTOCOL);
          assertThat(f.detail()).contains("more than 2 Content-Encoding layers");
        });
  }

  @Test
  void decodingStopsAtTheDeadline() throws Exception {
    byte[] gz = gzip(new byte[1 << 20]);
    Deadline past = new Deadline(System.nanoTime(), 0);
    assertThatThrownBy(() -> BodyText.text(gz, gz.length, false, "gzip", null, 1 << 20, past))
        .isInstanceOfSatisfying(CheckFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.TIMEOUT));
  }
  @Test
  void gzipAndBothDeflateFlavoursDecode() throws Exception {
    byte[] text = "hello deflated world".getBytes(StandardCharsets.UTF_8);
    assertThat(text(gzip(text), gzip(text).length, false, "gzip", null, 1 << 20)).isEqualTo("hello deflated world");
    byte[] zlib = deflate(text, false);
    assertThat(text(zlib, zlib.length, false, "deflate", null, 1 << 20)).isEqualTo("hello deflated world");
    byte[] raw = deflate(text, true);
    assertThat(text(raw, raw.length, false, "Deflate", null, 1 << 20)).isEqualTo("hello deflated world");
    byte[] twice = gzip(gzip(text));
    assertThat(text(twice, twice.length, false, "gzip, gzip", null, 1 << 20)).isEqualTo("hello deflated world");
  }

  @Test
  void aGzipBombIsCutAtTheCap() throws Exception {
    byte[] zeros = new byte[50 * 1024 * 1024];
    byte[] bomb = gzip(zeros);
    assertThat(bomb.length).isLessThan(100_000);
    String text = text(bomb, bomb.length, false, "gzip", null, 1024 * 1024);
    assertThat(text).hasSize(1024 * 1024);
  }

  @Test
  void aTruncatedGzipStreamYieldsWhatDecodes() throws Exception {
    byte[] text = "0123456789".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    byte[] gz = gzip(text);
    byte[] cut = Arrays.copyOf(gz, gz.length / 2);
    String decoded = text(cut, cut.length, true, "gzip", null, 1 << 20);
    assertThat(decoded).isNotEmpty().startsWith("0123456789");
    assertThatThrownBy(() -> text(cut, cut.length, false, "gzip", null, 1 << 20))
        .isInstanceOfSatisfying(CheckFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.PROTOCOL));
  }

  @Test
  void anUnknownEncodingIsProtocol() {
    assertThatThrownBy(() -> text(new byte[] {1}, 1, false, "br", null, 100))
        .isInstanceOfSatisfying(CheckFailure.class, f -> assertThat(f.detail()).contains("br"));
  }

  @Test
  void charsets() throws Exception {
    byte[] latin = "d\u00e9j\u00e0".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(text(latin, latin.length, false, null, "text/html; charset=\"iso-8859-1\"", 100)).isEqualTo("d\u00e9j\u00e0");
    assertThat(text(latin, latin.length, false, null, "text/html", 100)).as("not UTF-8: Latin-1").isEqualTo("d\u00e9j\u00e0");
    byte[] utf8 = "d\u00e9j\u00e0 \u20ac".getBytes(StandardCharsets.UTF_8);
    assertThat(text(utf8, utf8.length, false, null, null, 100)).isEqualTo("d\u00e9j\u00e0 \u20ac");
    byte[] sjis = "\u65e5\u672c".getBytes(java.nio.charset.Charset.forName("Shift_JIS"));
    assertThat(text(sjis, sjis.length, false, null, "text/plain;charset=Shift_JIS", 100)).isEqualTo("\u65e5\u672c");
  }

  @Test
  void aBodyCutInsideAUtf8CharacterStaysUtf8() throws Exception {
    byte[] utf8 = "caf\u00e9 \u20ac".getBytes(StandardCharsets.UTF_8);
    int cut = utf8.length - 1; // inside the euro sign
    assertThat(text(utf8, cut, true, null, null, 100)).isEqualTo("caf\u00e9 ");
  }

  @Property
  void decodingNeverThrows(@ForAll byte[] bytes, @ForAll("charsetHeaders") String contentType) throws Exception {
    text(bytes, bytes.length, false, null, contentType, 1 << 20);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> charsetHeaders() {
    return net.jqwik.api.Arbitraries.of(
        "", "text/html", "text/html; charset=utf-8", "text/html; charset=UTF-16", "text/html; charset=", "text/html; charset=???", "charset=windows-1252");
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data, boolean raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      d.write(data);
    }
    return out.toByteArray();
  }
}
