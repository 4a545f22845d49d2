package dev.webmon.bench;

import dev.webmon.check.HttpChecker;
import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import dev.webmon.event.TargetSpec;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** The real thing: {@link HttpChecker} with the full check (timings, regex, outcome, result). */
final class WebmonClient implements BenchClient {
  private final HttpChecker checker;
  private final TargetSpec target;
  final AtomicReference<CheckResult> lastDown = new AtomicReference<>();

  WebmonClient(HttpChecker checker, TargetSpec target) {
    this.checker = checker;
    this.target = target;
  }

  @Override
  public String name() {
    return "webmon";
  }

  @Override
  public boolean check() {
    CheckResult r = checker.check(target, Instant.now());
    if (r.outcome() != Outcome.UP) {
      lastDown.set(r);
      return false;
    }
    return true;
  }
}
