/**
 * The incident decision, pure and clock-free, for the Kafka Streams alerter to wire in.
 *
 * <pre>
 * CheckResult of a location ─> LocationState  UP / DOWN / DEGRADED evidence, counters
 *                                   │         (UNKNOWN = silent, derived at an explicit now)
 * all locations of a target ─> TargetState.verdict(now)  quorum k of the reporting ones
 *                                   │
 * Verdict after result/tick ─> IncidentTracker.step  OPENED / UPDATED / RESOLVED, flapping
 * </pre>
 *
 * <p>Every state is an immutable record: each step returns the next state, so a Streams
 * processor stores it and emits the transitions in the same transaction. Time only comes from
 * results' {@code startedAt} and the {@code now} of a tick.
 */
package dev.webmon.alerter;
