package dev.webmon.config;

import dev.webmon.WebmonException;
import java.io.Serial;

/** A configuration value is missing or invalid. The message names the key. */
public final class ConfigException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
