package dev.webmon.store;

/** Rows of {@code check_result} encoded for COPY (text or binary format), in the order of {@link #columns()}. */
public interface CopyRows {
  /** The column list the rows are encoded in, e.g. {@code "target_id, started_at, ..."}. */
  String columns();

  /** Whether the rows are in COPY's binary format (else text). */
  boolean binary();

  /** The encoded bytes; only the first {@link #length()} are rows. */
  byte[] buffer();

  int length();
}
