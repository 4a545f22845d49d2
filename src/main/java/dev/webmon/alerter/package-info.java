/**
 * The incident decision and the Kafka Streams topology that runs it ({@link
 * dev.webmon.alerter.AlerterTopology}); docs/architecture.md ("Alerter") has the whole state model.
 *
 * <pre>
 * CheckResult of a location ─> LocationState  UP / DOWN / DEGRADED evidence, counters
 *                                   │         (UNKNOWN = silent, derived at an explicit now)
 * all locations of a target ─> TargetState.verdict(now)  quorum k of the reporting ones
 *                                   │
 * Verdict after result/tick ─> IncidentTracker.step      availability lane: OPENED / UPDATED /
 *                                   │                    RESOLVED, flapping, ACKNOWLEDGED
 * result's certificate ───────> CertificateTracker.step  certificate lane
 *                                   │
 *                              TargetAlerts  one target's whole state, stored by the topology
 * </pre>
 *
 * <p>Every state is an immutable record: each step returns the next state, so a Streams
 * processor stores it and emits the transitions in the same transaction. Time only comes from
 * results' {@code startedAt}, acks' instants and the {@code now} of a tick.
 *
 * <p><b>Quorum and silence, decided.</b> k is recounted at every verdict over the locations
 * reporting at that instant; a silent location leaves the count and is neither up nor down. With
 * three locations, two DOWN and the third going silent, k = a majority of 2 = 2 and both are
 * DOWN: the incident stays open (an UPDATED names the silent one), it does not resolve. If
 * instead one of the two DOWN locations goes silent, 1 of 2 reporting is below k = 2 and the
 * incident resolves. Pinned by {@code IncidentScriptTest} and {@code AlerterTopologyTest}.
 */
package dev.webmon.alerter;
