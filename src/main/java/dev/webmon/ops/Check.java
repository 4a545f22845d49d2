package dev.webmon.ops;

import java.util.Objects;

/**
 * One thing a component needs to do its job, and whether it has it now.
 *
 * @param name short, stable name ({@code postgres}, {@code kafka}, {@code assignment}, ...)
 * @param ok whether the need is met now
 * @param detail what was seen, for a human
 */
public record Check(String name, boolean ok, String detail) {
  public Check {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
  }

  public static Check ok(String name, String detail) {
    return new Check(name, true, detail);
  }

  public static Check failed(String name, String detail) {
    return new Check(name, false, detail);
  }

  /** The same check named {@code prefix/name} (a component's check in a combined report). */
  Check prefixed(String prefix) {
    return new Check(prefix + "/" + name, ok, detail);
  }
}
