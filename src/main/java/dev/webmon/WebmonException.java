package dev.webmon;

import java.io.Serial;

/**
 * Root of webmon's unchecked exceptions. Messages are written for the operator: they say what is
 * wrong and, where possible, what to do. They never contain secret values.
 */
public class WebmonException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public WebmonException(String message) {
    super(message);
  }

  public WebmonException(String message, Throwable cause) {
    super(message, cause);
  }
}
