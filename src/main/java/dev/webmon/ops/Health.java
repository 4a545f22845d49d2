package dev.webmon.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a component reports on {@code /health} and {@code /ready}, serialised as JSON by the {@link
 * OpsServer}.
 *
 * @param component {@code agent}, {@code sink}, {@code web} or {@code standalone}
 * @param status liveness: {@code UP} while the component's main loop runs (restart it when
 *     {@code DOWN})
 * @param ready readiness: {@code UP} and every check ok, i.e. it can do its job now
 * @param checks what the component needs, one entry each
 * @param details the component's own figures (a record of its own type)
 */
public record Health(String component, Status status, boolean ready, List<Check> checks, Record details) {
  /** Liveness. */
  public enum Status {
    UP,
    DOWN
  }

  public Health {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
    checks = List.copyOf(checks);
    if (ready != (status == Status.UP && checks.stream().allMatch(Check::ok))) {
      throw new IllegalArgumentException("ready must be: UP and every check ok");
    }
  }

  /** A report whose readiness follows from liveness and the checks. */
  public static Health of(String component, boolean live, List<Check> checks, Record details) {
    Status status = live ? Status.UP : Status.DOWN;
    return new Health(component, status, live && checks.stream().allMatch(Check::ok), checks, details);
  }

  /** The components of one process. */
  public record Components(List<Health> components) {
    public Components {
      components = List.copyOf(components);
    }
  }

  /**
   * One report for several components in one process: up while all are, ready while all are; the
   * checks are the components' own, named {@code component/check}.
   */
  public static Health combined(String component, List<Health> parts) {
    List<Check> checks = new ArrayList<>();
    for (Health h : parts) {
      h.checks().forEach(c -> checks.add(c.prefixed(h.component())));
    }
    boolean live = parts.stream().allMatch(h -> h.status() == Status.UP);
    return new Health(
        component,
        live ? Status.UP : Status.DOWN,
        parts.stream().allMatch(Health::ready),
        checks,
        new Components(parts));
  }
}
