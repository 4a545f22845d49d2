package dev.webmon.check;

import dev.webmon.Text;
import dev.webmon.event.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Reads one HTTP/1.x response from a socket: the status line and headers, then the body framed by
 * {@code Transfer-Encoding: chunked}, {@code Content-Length} or the end of the connection, up to a
 * cap. Every read is bounded by the check's deadline. Lenient where browsers are (bare LF line
 * ends, folded headers), strict where ambiguity would hide a broken server (two different
 * Content-Length values, a bad chunk size). Not thread-safe; one per exchange.
 *
 * <p>Over 400 lines because HTTP/1.x framing (status line, headers, three body framings) is one
 * state machine over one buffer.
 */
final class ResponseReader {
  static final int MAX_HEAD_BYTES = 64 * 1024;

  private final InputStream in;
  private final Deadline deadline;
  private byte[] buf = new byte[4096]; // most heads and small pages fit; grows for big heads
  private int pos;
  private int lim;
  private long firstByteNanos;

  // The head of the response: only the headers a check needs are kept.
  int status;
  String httpVersion;
  String location;
  String contentEncoding;
  String contentType;
  /** The Retry-After header (read by the notifier's deliveries, not by checks). */
  String retryAfter;
  private long contentLength = -1;
  private boolean chunked;

  // The body as read (after de-chunking, before content decoding).
  byte[] body = new byte[0];
  int bodyLength;
  boolean truncated;

  ResponseReader(InputStream in, Deadline deadline) {
    this.in = in;
    this.deadline = deadline;
  }

  /** {@link System#nanoTime()} when the first response byte arrived, 0 if none yet. */
  long firstByteNanos() {
    return firstByteNanos;
  }

  /** Reads the status line and headers, skipping interim 1xx responses. */
  void readHead() throws IOException, CheckFailure {
    while (true) {
      int end = findHeadEnd();
      parseHead(end);
      if (status >= 200) {
        return;
      }
      if (status == 101) {
        throw new CheckFailure(Reason.PROTOCOL, "server switched protocols (101) although not asked to");
      }
      // 100 Continue, 103 Early Hints...: a final response follows.
      location = null;
      contentEncoding = null;
      contentType = null;
      retryAfter = null;
      contentLength = -1;
      chunked = false;
    }
  }

  /** True if this response to {@code method} carries a body (RFC 9112 section 6.3). */
  boolean hasBody(String method) {
    return !method.equals("HEAD") && status != 204 && status != 304 && (status >= 200);
  }

  /** Reads the body, at most {@code cap} bytes; sets {@link #truncated} if more was there. */
  void readBody(int cap) throws IOException, CheckFailure {
    if (chunked) {
      readChunked(cap);
    } else if (contentLength >= 0) {
      readFixed(contentLength, cap);
    } else {
      readToClose(cap);
    }
  }

  // ---- head

  private int findHeadEnd() throws IOException, CheckFailure {
    int scanned = 0; // bytes after pos already scanned; offsets move when fill() compacts
    while (true) {
      for (int i = pos + scanned; i < lim; i++) {
        if (buf[i] == '\n') {
          // "\n\n" or "\n\r\n" ends the head
          if (i + 1 < lim && buf[i + 1] == '\n') {
            return i + 2;
          }
          if (i + 2 < lim && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
            return i + 3;
          }
        }
      }
      scanned = Math.max(0, lim - pos - 2);
      if (lim - pos >= MAX_HEAD_BYTES) {
        throw new CheckFailure(Reason.PROTOCOL, "response head larger than " + MAX_HEAD_BYTES / 1024 + " KiB");
      }
      if (fill() < 0) {
        throw new CheckFailure(
            Reason.PROTOCOL,
            lim == pos && firstByteNanos == 0
                ? "connection closed without a response"
                : "connection closed in the middle of the response head");
      }
    }
  }

  private void parseHead(int end) throws CheckFailure {
    int lineStart = pos;
    int lineEnd = lineEnd(lineStart, end);
    parseStatusLine(lineStart, lineEnd);
    lineStart = next(lineEnd, end);
    String lastName = null;
    StringBuilder lastValue = null;
    while (lineStart < end) {
      lineEnd = lineEnd(lineStart, end);
      if (lineEnd == lineStart) {
        break;
      }
      if (buf[lineStart] == ' ' || buf[lineStart] == '\t') {
        // obsolete line folding: continue the previous header's value
        if (lastName == null) {
          throw new CheckFailure(Reason.PROTOCOL, "response head starts with a folded line");
        }
        lastValue.append(' ').append(text(lineStart, lineEnd).strip());
      } else {
        if (lastName != null) {
          header(lastName, lastValue.toString());
        }
        int colon = -1;
        for (int i = lineStart; i < lineEnd; i++) {
          if (buf[i] == ':') {
            colon = i;
            break;
          }
        }
        if (colon <= lineStart) {
          throw new CheckFailure(Reason.PROTOCOL, "malformed response header line: " + printable(lineStart, lineEnd));
        }
        lastName = text(lineStart, colon);
        lastValue = new StringBuilder(text(colon + 1, lineEnd).strip());
      }
      lineStart = next(lineEnd, end);
    }
    if (lastName != null) {
      header(lastName, lastValue.toString());
    }
    pos = end;
  }

  private void parseStatusLine(int from, int to) throws CheckFailure {
    // HTTP/1.1 200 OK  (the reason phrase is optional)
    int n = to - from;
    if (n < 12 || buf[from] != 'H' || buf[from + 1] != 'T' || buf[from + 2] != 'T' || buf[from + 3] != 'P'
        || buf[from + 4] != '/' || buf[from + 5] != '1' || buf[from + 6] != '.'
        || buf[from + 7] < '0' || buf[from + 7] > '9' || buf[from + 8] != ' ') {
      throw new CheckFailure(Reason.PROTOCOL, "not an HTTP/1.x status line: " + printable(from, Math.min(to, from + 40)));
    }
    int d0 = buf[from + 9] - '0';
    int d1 = buf[from + 10] - '0';
    int d2 = buf[from + 11] - '0';
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (n > 12 && buf[from + 12] != ' ')) {
      throw new CheckFailure(Reason.PROTOCOL, "bad status code in: " + printable(from, Math.min(to, from + 40)));
    }
    status = d0 * 100 + d1 * 10 + d2;
    httpVersion = buf[from + 7] == '1' ? "HTTP/1.1" : buf[from + 7] == '0' ? "HTTP/1.0" : "HTTP/1." + (char) buf[from + 7];
  }

  private void header(String name, String value) throws CheckFailure {
    switch (name.length()) {
      case 8 -> {
        if (name.equalsIgnoreCase("location")) {
          location = value;
        }
      }
      case 11 -> {
        if (name.equalsIgnoreCase("retry-after")) {
          retryAfter = value;
        }
      }
      case 12 -> {
        if (name.equalsIgnoreCase("content-type")) {
          contentType = value;
        }
      }
      case 14 -> {
        if (name.equalsIgnoreCase("content-length")) {
          contentLength(value);
        }
      }
      case 16 -> {
        if (name.equalsIgnoreCase("content-encoding")) {
          contentEncoding = contentEncoding == null ? value : contentEncoding + ", " + value;
        }
      }
      case 17 -> {
        if (name.equalsIgnoreCase("transfer-encoding")) {
          String v = value.strip();
          int comma = v.lastIndexOf(',');
          String last = (comma < 0 ? v : v.substring(comma + 1)).strip();
          if (last.equalsIgnoreCase("chunked")) {
            chunked = true;
          } else if (!last.equalsIgnoreCase("identity")) {
            throw new CheckFailure(Reason.PROTOCOL, "unsupported Transfer-Encoding: " + Text.clip(v, 60));
          }
        }
      }
      default -> {
        // not needed
      }
    }
  }

  private void contentLength(String value) throws CheckFailure {
    long v = -1;
    // "Content-Length: 42, 42" is tolerated; differing values are not.
    for (String part : value.split(",")) {
      String p = part.strip();
      if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new CheckFailure(Reason.PROTOCOL, "bad Content-Length: " + Text.clip(value, 60));
      }
      long n = Long.parseLong(p);
      if (v >= 0 && n != v) {
        throw new CheckFailure(Reason.PROTOCOL, "conflicting Content-Length values: " + Text.clip(value, 60));
      }
      v = n;
    }
    if (contentLength >= 0 && contentLength != v) {
      throw new CheckFailure(Reason.PROTOCOL, "conflicting Content-Length headers");
    }
    contentLength = v;
  }

  private int lineEnd(int from, int end) {
    for (int i = from; i < end; i++) {
      if (buf[i] == '\n') {
        return i > from && buf[i - 1] == '\r' ? i - 1 : i;
      }
    }
    return end;
  }

  private int next(int lineEnd, int end) {
    int i = lineEnd;
    if (i < end && buf[i] == '\r') {
      i++;
    }
    if (i < end && buf[i] == '\n') {
      i++;
    }
    return i;
  }

  private String text(int from, int to) {
    return new String(buf, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private String printable(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to && sb.length() < 80; i++) {
      int c = buf[i] & 0xff;
      sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return sb.toString();
  }

  // ---- body

  private void readFixed(long length, int cap) throws IOException, CheckFailure {
    int want = (int) Math.min(length, cap);
    body = new byte[want];
    int n = Math.min(lim - pos, want);
    System.arraycopy(buf, pos, body, 0, n);
    pos += n;
    bodyLength = n;
    // The rest goes straight into the body array: no second copy through the buffer.
    while (bodyLength < want) {
      int r = read(body, bodyLength, want - bodyLength);
      if (r < 0) {
        throw new CheckFailure(
            Reason.PROTOCOL, "connection closed after " + bodyLength + " of " + length + " body bytes");
      }
      bodyLength += r;
    }
    truncated = length > cap;
  }

  private void readToClose(int cap) throws IOException {
    while (true) {
      if (pos == lim && fill() < 0) {
        return;
      }
      if (!append(cap)) {
        return;
      }
    }
  }

  /** Appends the buffered bytes to the body; false once the cap is reached. */
  private boolean append(int cap) {
    int n = Math.min(lim - pos, cap - bodyLength);
    ensureBody(bodyLength + n, cap);
    System.arraycopy(buf, pos, body, bodyLength, n);
    bodyLength += n;
    pos += n;
    if (pos < lim) {
      truncated = true;
      return false;
    }
    return true;
  }

  private void readChunked(int cap) throws IOException, CheckFailure {
    while (true) {
      long size = chunkSize();
      if (size == 0) {
        skipTrailers();
        return;
      }
      long left = size;
      while (left > 0) {
        if (pos == lim && fill() < 0) {
          throw new CheckFailure(Reason.PROTOCOL, "connection closed inside a chunk");
        }
        int n = (int) Math.min(lim - pos, left);
        int keep = Math.min(n, cap - bodyLength);
        ensureBody(bodyLength + keep, cap);
        System.arraycopy(buf, pos, body, bodyLength, keep);
        bodyLength += keep;
        pos += n;
        left -= n;
        if (bodyLength == cap && (left > 0 || keep < n)) {
          truncated = true;
          return;
        }
      }
      expectCrlf();
      if (bodyLength == cap) {
        // More chunks may follow: peek at the next size to know whether the cap cut anything.
        truncated = chunkSize() != 0;
        return;
      }
    }
  }

  private long chunkSize() throws IOException, CheckFailure {
    String line = readLine(1024);
    int semi = line.indexOf(';');
    String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new CheckFailure(Reason.PROTOCOL, "bad chunk size: " + Text.clip(line, 60));
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      int d = Character.digit(hex.charAt(i), 16);
      if (d < 0) {
        throw new CheckFailure(Reason.PROTOCOL, "bad chunk size: " + Text.clip(line, 60));
      }
      size = size * 16 + d;
    }
    return size;
  }

  private void expectCrlf() throws IOException, CheckFailure {
    String line = readLine(16);
    if (!line.isEmpty()) {
      throw new CheckFailure(Reason.PROTOCOL, "chunk not followed by CRLF");
    }
  }

  private void skipTrailers() throws IOException, CheckFailure {
    for (int i = 0; i < 100; i++) {
      if (readLine(8192).isEmpty()) {
        return;
      }
    }
    throw new CheckFailure(Reason.PROTOCOL, "too many trailer lines");
  }

  /** A line without its CR LF (or bare LF); at most {@code max} bytes. */
  private String readLine(int max) throws IOException, CheckFailure {
    int scanned = 0; // bytes after pos already scanned; offsets move when fill() compacts
    while (true) {
      for (int i = pos + scanned; i < lim; i++) {
        if (buf[i] == '\n') {
          int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
          String s = text(pos, end);
          pos = i + 1;
          return s;
        }
      }
      scanned = lim - pos;
      if (lim - pos > max) {
        throw new CheckFailure(Reason.PROTOCOL, "chunk framing line too long");
      }
      if (fill() < 0) {
        throw new CheckFailure(Reason.PROTOCOL, "connection closed inside the chunked body");
      }
    }
  }

  private void ensureBody(int size, int cap) {
    if (size > body.length) {
      int grown = (int) Math.min(cap, Math.max(size, Math.max(4096L, body.length * 2L)));
      body = Arrays.copyOf(body, grown);
    }
  }

  // ---- I/O

  /** Reads more bytes into the buffer (compacting or growing it first); -1 at the end of the stream. */
  private int fill() throws IOException {
    if (pos > 0 && pos == lim) {
      pos = 0;
      lim = 0;
    } else if (lim == buf.length) {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      } else {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
    }
    int n = read(buf, lim, buf.length - lim);
    if (n > 0) {
      lim += n;
    }
    return n;
  }

  /**
   * One read. Reads carry no socket timeout of their own: the check's watchdog closes the socket
   * at the deadline, which ends a blocked read at once (one timer per check instead of one per
   * read). The deadline is also re-checked before every read, so a server that trickles bytes
   * cannot stretch the check even by the watchdog's latency.
   */
  private int read(byte[] into, int off, int len) throws IOException {
    if (deadline.expired()) {
      throw new SocketTimeoutException("deadline reached");
    }
    int n = in.read(into, off, len);
    if (n > 0 && firstByteNanos == 0) {
      firstByteNanos = System.nanoTime();
    }
    return n;
  }
}
