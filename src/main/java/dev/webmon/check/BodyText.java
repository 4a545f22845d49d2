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
  private BodyText() {}

  /** The decoded text of a body. */
  static String text(byte[] body, int length, boolean truncated, String contentEncoding, String contentType, int cap)
      throws CheckFailure {
    byte[] bytes = body;
    int n = length;
    if (contentEncoding != null && n > 0) {
      String[] codings = contentEncoding.split(",");
      // Codings are listed in the order applied; undo them last first.
      for (int i = codings.length - 1; i >= 0; i--) {
        String coding = codings[i].strip().toLowerCase(Locale.ROOT);
        switch (coding) {
          case "", "identity" -> {
            // nothing to undo
          }
          case "gzip", "x-gzip" -> {
            bytes = inflate(bytes, n, truncated, cap, "gzip", true);
            n = bytes.length;
          }
          case "deflate" -> {
            bytes = inflate(bytes, n, truncated, cap, "deflate", false);
            n = bytes.length;
          }
          default ->
              throw new CheckFailure(
                  Reason.PROTOCOL, "cannot match the pattern: unsupported Content-Encoding '" + Text.clip(coding, 40) + "'");
        }
      }
    }
    return decode(bytes, n, charset(contentType));
  }

  private static byte[] inflate(byte[] data, int length, boolean truncated, int cap, String name, boolean gzip)
      throws CheckFailure {
    try {
      return readCapped(open(data, length, gzip), cap);
    } catch (IOException first) {
      if (!gzip) {
        // "deflate" is zlib-wrapped by the RFC, but some servers send raw deflate.
        try {
          return readCapped(new InflaterInputStream(new ByteArrayInputStream(data, 0, length), new Inflater(true)), cap);
        } catch (IOException ignored) {
          // fall through to the partial read below
        }
      }
      if (truncated) {
        // The cap cut the compressed stream: match what decodes.
        return readPartial(data, length, gzip, cap);
      }
      throw new CheckFailure(Reason.PROTOCOL, "corrupt " + name + " body: " + first.getMessage());
    }
  }

  private static InputStream open(byte[] data, int length, boolean gzip) throws IOException {
    ByteArrayInputStream raw = new ByteArrayInputStream(data, 0, length);
    return gzip ? new GZIPInputStream(raw, 8192) : new InflaterInputStream(raw, new Inflater(false), 8192);
  }

  private static byte[] readCapped(InputStream in, int cap) throws IOException {
    try (in) {
      byte[] out = new byte[Math.min(cap, 16 * 1024)];
      int n = 0;
      while (n < cap) {
        if (n == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(cap, out.length * 2L));
        }
        int r = in.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return n == out.length ? out : Arrays.copyOf(out, n);
    }
  }

  private static byte[] readPartial(byte[] data, int length, boolean gzip, int cap) {
    byte[] out = new byte[Math.min(cap, 16 * 1024)];
    int n = 0;
    try (InputStream in = open(data, length, gzip)) {
      while (n < cap) {
        if (n == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(cap, out.length * 2L));
        }
        int r = in.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (EOFException e) {
      // expected: the stream was cut
    } catch (IOException e) {
      // keep what decoded before the damage
    }
    return Arrays.copyOf(out, n);
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
