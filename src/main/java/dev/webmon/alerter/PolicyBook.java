package dev.webmon.alerter;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.InvalidEventException;
import dev.webmon.event.PolicyFields;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The effective policy of each target: {@link Policy#DEFAULT} ⊕ policy {@code default} ⊕ (the
 * policy the target names, if it exists, else the first policy by name sharing one of its tags)
 * ⊕ the target's overrides, right wins. A merge that is not a valid policy falls back to the
 * defaults alone ({@code default} over built-ins, or the built-ins when even that is invalid), and
 * says so in the log once per target and change.
 *
 * <p>Policies come from the global store; {@link #refresh} reads them (once per tick) and drops
 * the cached judgements when they changed, so a policy change takes effect at the next tick. Not
 * thread-safe: one per Streams task.
 */
final class PolicyBook {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyBook.class);

  /** How one target is judged. */
  record Judge(Policy policy, String policyName, Duration silenceAfter, String targetName) {
    Judge {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(silenceAfter, "silenceAfter");
      Objects.requireNonNull(targetName, "targetName");
    }
  }

  private final ReadOnlyKeyValueStore<String, byte[]> store;
  private final EventCodec codec;
  private SortedMap<String, AlertPolicySpec> policies = Collections.emptySortedMap();
  private final Map<String, Judge> judges = new HashMap<>();
  // Equal policies share one instance: 100k targets mostly have a handful of distinct policies.
  private final Map<Policy, Policy> interned = new HashMap<>();

  PolicyBook(ReadOnlyKeyValueStore<String, byte[]> store, EventCodec codec) {
    this.store = store;
    this.codec = codec;
  }

  /** Re-reads the policies; forgets every cached judgement when they changed, and says so. */
  boolean refresh() {
    SortedMap<String, AlertPolicySpec> now = new TreeMap<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        try {
          AlertPolicySpec p = codec.decodePolicy(kv.value);
          if (p.name().equals(kv.key)) {
            now.put(p.name(), p);
          }
        } catch (DecodeException e) {
          // Restoration copies the topic into the store unchecked; the policy processor logged it.
          LOG.debug("alert policy {} unreadable: {}", kv.key, e.error());
        }
      }
    }
    if (now.equals(policies)) {
      return false;
    }
    policies = Collections.unmodifiableSortedMap(now);
    judges.clear();
    interned.clear();
    return true;
  }

  /** Forgets the judgement of one target (its spec changed or it was deleted). */
  void forget(String targetId) {
    judges.remove(targetId);
  }

  /** The cached judgement of a target, made from {@code watch} when none is cached. */
  Judge judge(String targetId, Watch watch) {
    Judge j = judges.get(targetId);
    if (j == null) {
      j = resolve(targetId, watch);
      judges.put(targetId, j);
    }
    return j;
  }

  /** Whether a judgement of the target is cached (else {@link #judge} needs its watch). */
  Optional<Judge> cached(String targetId) {
    return Optional.ofNullable(judges.get(targetId));
  }

  private Judge resolve(String targetId, Watch w) {
    PolicyFields base =
        Optional.ofNullable(policies.get(AlertPolicySpec.DEFAULT))
            .map(AlertPolicySpec::fields)
            .orElse(PolicyFields.NONE);
    Optional<AlertPolicySpec> chosen = choose(w.policy(), w.tags());
    String name = chosen.map(AlertPolicySpec::name).orElse(AlertPolicySpec.DEFAULT);
    PolicyFields named = chosen.map(AlertPolicySpec::fields).orElse(PolicyFields.NONE);
    PolicyFields merged = w.overrides().over(named.over(base));
    Policy p;
    try {
      p = of(merged);
    } catch (InvalidPolicyException | InvalidEventException e) {
      LOG.warn("target {}: the merge of policy {} and its overrides is invalid ({}); using the"
          + " default policy", targetId, name, e.getMessage());
      name = AlertPolicySpec.DEFAULT;
      try {
        p = of(base);
      } catch (InvalidPolicyException | InvalidEventException again) {
        LOG.warn("policy default is invalid ({}); using the built-in defaults", again.getMessage());
        p = Policy.DEFAULT;
      }
    }
    return new Judge(interned.computeIfAbsent(p, x -> x), name, w.silenceAfter(), w.name());
  }

  private Optional<AlertPolicySpec> choose(Optional<String> named, List<String> tags) {
    if (named.isPresent()) {
      AlertPolicySpec p = policies.get(named.get());
      if (p != null) {
        return Optional.of(p);
      }
    }
    if (tags.isEmpty()) {
      return Optional.empty();
    }
    return policies.values().stream()
        .filter(p -> !p.name().equals(AlertPolicySpec.DEFAULT))
        .filter(p -> p.tags().stream().anyMatch(tags::contains))
        .findFirst();
  }

  /** {@link Policy#DEFAULT} with every field that {@code f} sets. */
  static Policy of(PolicyFields f) {
    f.checkComplete();
    Policy d = Policy.DEFAULT;
    return new Policy(
        f.failureThreshold().orElse(d.failureThreshold()),
        f.failuresInWindow().orElse(d.failuresInWindow()),
        f.window().orElse(d.window()),
        f.recoveryThreshold().orElse(d.recoveryThreshold()),
        f.degradedAboveMs().orElse(d.degradedAboveMs()),
        f.quorum().orElse(d.quorum()),
        f.tlsExpiryWarningDays().orElse(d.tlsExpiryWarningDays()),
        f.flapChanges().orElse(d.flapChanges()),
        f.flapWindow().orElse(d.flapWindow()));
  }
}
