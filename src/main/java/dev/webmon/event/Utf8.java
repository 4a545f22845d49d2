package dev.webmon.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF), fused with a search for NUL bytes, which JSON text never contains and which would
 * make Jackson guess UTF-16 or UTF-32.
 */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;

  private Utf8() {}

  /**
   * Returns the index of the first NUL byte or of the first byte of an invalid sequence, or -1 if
   * the bytes are valid UTF-8 without NUL.
   */
  static int firstProblem(byte[] b) {
    int n = b.length;
    int i = 0;
    while (i < n) {
      if (i + 8 <= n) {
        long w = (long) LONGS.get(b, i);
        // Eight ASCII bytes none of which is zero: the common case, skipped in one step.
        if ((w & HIGH_BITS) == 0 && ((w - ONES) & ~w & HIGH_BITS) == 0) {
          i += 8;
          continue;
        }
      }
      int c = b[i];
      if (c > 0) {
        i++;
        continue;
      }
      if (c == 0) {
        return i;
      }
      c &= 0xff;
      int len;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c == 0xE0) {
        len = 3;
        lo = 0xA0;
      } else if (c == 0xED) {
        len = 3;
        hi = 0x9F;
      } else if (c >= 0xE1 && c <= 0xEF) {
        len = 3;
      } else if (c == 0xF0) {
        len = 4;
        lo = 0x90;
      } else if (c >= 0xF1 && c <= 0xF3) {
        len = 4;
      } else if (c == 0xF4) {
        len = 4;
        hi = 0x8F;
      } else {
        return i;
      }
      if (i + len > n) {
        return i;
      }
      int b1 = b[i + 1] & 0xff;
      if (b1 < lo || b1 > hi) {
        return i;
      }
      for (int k = 2; k < len; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += len;
    }
    return -1;
  }
}
