package dev.webmon.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The {@code "v"} field: {@code "major.minor"}. Writers write {@value #CURRENT}; readers accept
 * any minor of major {@value #MAJOR} and refuse other majors.
 */
final class SchemaVersion {
  static final String FIELD = "v";
  static final String CURRENT = "1.0";

  /** What a target with alerting fields ({@code alertPolicy}, {@code alertOverrides}) writes. */
  static final String ALERTING = "1.1";

  /** What a result flagged {@code maintenance} writes. */
  static final String MAINTENANCE = "1.1";
  static final int MAJOR = 1;

  private SchemaVersion() {}

  /** Checks the value the parser is on. */
  static void check(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw JsonFields.wrongType(FIELD, "a string like \"1.0\"", p.currentToken());
    }
    String text = p.getText();
    if (text.equals(CURRENT)) {
      return;
    }
    int dot = text.indexOf('.');
    int major = dot < 0 ? -1 : number(text, 0, dot);
    int minor = dot < 0 ? -1 : number(text, dot + 1, text.length());
    if (major < 0 || minor < 0) {
      throw new DecodeException(
          DecodeError.INVALID_VALUE, FIELD, "must be \"major.minor\", e.g. \"1.0\"");
    }
    if (major != MAJOR) {
      throw new DecodeException(
          DecodeError.UNSUPPORTED_VERSION,
          FIELD,
          "schema major version " + major + " is not supported (this codec reads "
              + MAJOR + ".x)");
    }
  }

  /** A decimal of 1–9 digits without leading zero, or -1. */
  private static int number(String s, int from, int to) {
    int len = to - from;
    if (len < 1 || len > 9 || (len > 1 && s.charAt(from) == '0')) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
