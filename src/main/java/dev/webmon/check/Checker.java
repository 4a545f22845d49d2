package dev.webmon.check;

import dev.webmon.event.CheckResult;
import dev.webmon.event.TargetSpec;
import java.time.Instant;

/** Runs one check of a target. Thread-safe; blocking (callers use virtual threads); never throws: every failure is a DOWN result with a reason. */
public interface Checker {
  CheckResult check(TargetSpec target, Instant scheduledAt);
}
