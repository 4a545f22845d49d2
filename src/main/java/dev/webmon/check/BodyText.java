package dev.webmon.check;

import dev.webmon.Text;
import dev.webmon.event.Reason;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Turns a response body into the text the patterns are matched against: undoes the
 * Content-Encoding (gzip, deflate; decoded output capped like the body, so a gzip bomb cannot
 * blow up memory), then decodes the bytes by the charset of the Content-Type. Without a charset,
 * valid UTF-8 is read as UTF-8 and anything else as ISO-8859-1, so every byte maps to a
 * character; malformed input never throws. Stateless.
 */
final class BodyText {
  /** Content codings (other than identity) undone at most: more is refused, not inflated layer by layer. */
  static final int MAX_CODINGS = 2;

  /** The decoded text; {@code cut}: it is only a prefix of the whole body's text. */
  record Decoded(String text, boolean cut) {}

  private BodyText() {}

  /**
   * The decoded text of a body, as far as it was read.
   *
   * @param truncated the body was cut at the cap on the wire
   * @param deadline decoding stops with {@link Reason#TIMEOUT} when the check's time is up
   */
  static Decoded text(
      byte[] body, int length, boolean truncated, String contentEncoding, String contentType, int cap, Deadline deadline)
      throws CheckFailure {
    byte[] bytes = body;
    int n = length;
    boolean cut = truncated;
    if (contentEncoding != null && n > 0) {
      String[] codings = contentEncoding.split(",");
      int layers = 0;
      // Codings are listed in the order applied; undo them last first.
      for (int i = codings.length - 1; i >= 0; i--) {
        String coding = codings[i].strip().toLowerCase(Locale.ROOT);
        boolean gzip;
        switch (coding) {
          case "", "identity" -> {
            continue; // nothing to undo
          }
          case "gzip", "x-gzip" -> gzip = true;
          case "deflate" -> gzip = false;
          default ->
              throw new CheckFailure(
                  Reason.PROTOCOL, "cannot match the pattern: unsupported Content-Encoding '" + Text.clip(coding, 40) + "'");
        }
        if (++layers > MAX_CODINGS) {
          throw new CheckFailure(
              Reason.PROTOCOL, "cannot match the pattern: more than " + MAX_CODINGS + " Content-Encoding layers");
        }
        Inflated out = inflate(bytes, n, cut, cap, gzip ? "gzip" : "deflate", gzip, deadline);
        bytes = out.bytes();
        n = bytes.length;
        cut |= out.cut();
      }
    }
    Charset declared = charset(contentType);
    String text = decode(bytes, n, declared);
    if (cut && declared != null) {
      // A cut inside a multi-byte character decodes to U+FFFD, which the whole body does not have.
      int end = text.length();
      while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
        end--;
      }
      text = text.substring(0, end);
    }
    return new Decoded(text, cut);
  }

  private record Inflated(byte[] bytes, boolean cut) {}

  private static Inflated inflate(
      byte[] data, int length, boolean truncated, int cap, String name, boolean gzip, Deadline deadline)
      throws CheckFailure {
    try {
      return readCapped(open(data, length, gzip), cap, deadline);
    } catch (IOException first) {
      if (!gzip) {
        // "deflate" is zlib-wrapped by the RFC, but some servers send raw deflate.
        try {
          return readCapped(new InflaterInputStream(new ByteArrayInputStream(data, 0, length), new Inflater(true)), cap, deadline);
        } catch (IOException ignored) {
          // fall through to the partial read below
        }
      }
      if (truncated) {
        // The cap cut the compressed stream: match what decodes.
        return new Inflated(readPartial(data, length, gzip, cap, deadline), true);
      }
      throw new CheckFailure(Reason.PROTOCOL, "corrupt " + name + " body: " + first.getMessage());
    }
  }

  private static InputStream open(byte[] data, int length, boolean gzip) throws IOException {
    ByteArrayInputStream raw = new ByteArrayInputStream(data, 0, length);
    return gzip ? new GZIPInputStream(raw, 8192) : new InflaterInputStream(raw, new Inflater(false), 8192);
  }

  /** Reads up to {@code cap} bytes; {@code cut} when more was there. */
  private static Inflated readCapped(InputStream in, int cap, Deadline deadline) throws IOException, CheckFailure {
    try (in) {
      Buffer out = new Buffer(cap);
      out.fill(in, deadline);
      return new Inflated(out.bytes(), out.length == cap && in.read() >= 0);
    }
  }

  private static byte[] readPartial(byte[] data, int length, boolean gzip, int cap, Deadline deadline)
      throws CheckFailure {
    Buffer out = new Buffer(cap);
    try (InputStream in = open(data, length, gzip)) {
      out.fill(in, deadline);
    } catch (EOFException e) {
      // expected: the stream was cut
    } catch (IOException e) {
      // keep what decoded before the damage
    }
    return out.bytes();
  }

  /** Decoded output, grown on demand up to the cap. */
  private static final class Buffer {
    private final int cap;
    private byte[] data;
    private int length;

    Buffer(int cap) {
      this.cap = cap;
      this.data = new byte[Math.min(cap, 16 * 1024)];
    }

    /** Reads until the end of {@code in} or the cap; stops with TIMEOUT at the check's deadline. */
    void fill(InputStream in, Deadline deadline) throws IOException, CheckFailure {
      while (length < cap) {
        if (deadline.expired()) {
          throw new CheckFailure(Reason.TIMEOUT, "the timeout passed while decoding the body");
        }
        if (length == data.length) {
          data = Arrays.copyOf(data, (int) Math.min(cap, data.length * 2L));
        }
        int r = in.read(data, length, data.length - length);
        if (r < 0) {
          return;
        }
        length += r;
      }
    }

    byte[] bytes() {
      return length == data.length ? data : Arrays.copyOf(data, length);
    }
  }

  /** The charset named by a Content-Type, or null (unknown, absent, or unsupported). */
  static Charset charset(String contentType) {
    if (contentType == null) {
      return null;
    }
    String lower = contentType.toLowerCase(Locale.ROOT);
    int i = lower.indexOf("charset=");
    if (i < 0) {
      return null;
    }
    String name = contentType.substring(i + 8).strip();
    int end = name.indexOf(';');
    if (end >= 0) {
      name = name.substring(0, end).strip();
    }
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = name.substring(1, name.length() - 1);
    }
    try {
      return Charset.isSupported(name) ? Charset.forName(name) : null;
    } catch (IllegalArgumentException e) {
      return null; // illegal charset name
    }
  }

  static String decode(byte[] bytes, int length, Charset declared) {
    if (declared != null) {
      // String's constructor replaces malformed input; it never throws.
      return new String(bytes, 0, length, declared);
    }
    boolean ascii = true;
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
    try {
      // A body cut by the cap may end inside a character: that must not demote it to Latin-1.
      int complete = completeUtf8Length(bytes, length);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, complete))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
  }

  /** {@code length} minus an incomplete UTF-8 sequence at the end, if any. */
  static int completeUtf8Length(byte[] bytes, int length) {
    for (int back = 1; back <= 3 && back <= length; back++) {
      int b = bytes[length - back] & 0xff;
      if (b < 0x80) {
        return length; // ASCII: complete
      }
      if (b >= 0xc0) {
        int need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        return need > back ? length - back : length;
      }
      // continuation byte: keep looking for the lead byte
    }
    return length;
  }

}
