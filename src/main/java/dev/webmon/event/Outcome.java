package dev.webmon.event;

/** The verdict of one check. */
public enum Outcome {
  /** The target answered as its {@link TargetSpec} expects. */
  UP,
  /** It did not; {@link CheckResult#reason()} says why. */
  DOWN
}
