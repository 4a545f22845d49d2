package dev.webmon;

import java.io.Closeable;
import java.io.IOException;

/** Closing what is being abandoned, where a failure to close has no one left to tell. */
public final class Closeables {
  private Closeables() {}

  /** Closes {@code c}, ignoring an {@link IOException}: for aborting or after the work failed. */
  public static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do: the resource is being abandoned
    }
  }
}
