package dev.webmon.store;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code target_status} rows of a batch as column arrays ready to bind: per target and
 * location, the newest result and when its run of equal outcomes began. Built on the consumer
 * thread when a batch is sealed, so the writer's connection does not sit idle while the rows are
 * grouped and sorted; written by {@link TargetStatus#upsert}. Immutable once built.
 */
public final class StatusRows {
  /** Rows whose batch results all had the newest one's outcome: the stored {@code since} stays if the state did. */
  final Columns sameState;
  /** Rows whose state changed within the batch: {@code since} is the start of the batch's last run. */
  final Columns flipped;

  private StatusRows(Columns sameState, Columns flipped) {
    this.sameState = sameState;
    this.flipped = flipped;
  }

  /** Target and location pairs. */
  public int size() {
    return sameState.size() + flipped.size();
  }

  /** One statement's parameters, one array per column. */
  static final class Columns {
    final String[] targetIds;
    final String[] locations;
    final String[] resultIds;
    final Long[] startedUs;
    final Boolean[] ups;
    final String[] reasons;
    final Integer[] statusCodes;
    final Long[] totalUs;
    final Long[] tlsUs;
    final Long[] sinceUs;

    private Columns(List<Acc> accs) {
      int n = accs.size();
      targetIds = new String[n];
      locations = new String[n];
      resultIds = new String[n];
      startedUs = new Long[n];
      ups = new Boolean[n];
      reasons = new String[n];
      statusCodes = new Integer[n];
      totalUs = new Long[n];
      tlsUs = new Long[n];
      sinceUs = new Long[n];
      for (int i = 0; i < n; i++) {
        Acc acc = accs.get(i);
        CheckResult r = acc.newest;
        targetIds[i] = r.targetId();
        locations[i] = r.location();
        resultIds[i] = r.resultId().toString();
        startedUs[i] = epochMicros(r.startedAt());
        ups[i] = r.outcome() == Outcome.UP;
        reasons[i] = r.reason().map(Enum::name).orElse(null);
        statusCodes[i] = r.statusCode().orElse(null);
        totalUs[i] = r.timings().totalMicros();
        tlsUs[i] = r.tlsExpiresAt().map(StatusRows::epochMicros).orElse(null);
        sinceUs[i] = epochMicros(acc.runStart);
      }
    }

    int size() {
      return targetIds.length;
    }
  }

  /** Per target and location: the newest result, and when its UP/DOWN run began. */
  private static final class Acc {
    CheckResult newest;
    Instant runStart;
    boolean whole = true;
  }

  private record Key(String targetId, String location) {}

  /** The rows of {@code results} except those at the indexes in {@code skip}. */
  public static StatusRows of(List<CheckResult> results, Set<Integer> skip) {
    Map<Key, List<CheckResult>> byKey = new HashMap<>();
    for (int i = 0; i < results.size(); i++) {
      if (skip.contains(i)) {
        continue;
      }
      CheckResult r = results.get(i);
      byKey.computeIfAbsent(new Key(r.targetId(), r.location()), k -> new ArrayList<>(2)).add(r);
    }
    List<Acc> sameState = new ArrayList<>();
    List<Acc> flipped = new ArrayList<>();
    for (List<CheckResult> ofKey : byKey.values()) {
      Acc acc = accumulate(ofKey);
      (acc.whole ? sameState : flipped).add(acc);
    }
    return new StatusRows(new Columns(sameState), new Columns(flipped));
  }

  private static Acc accumulate(List<CheckResult> results) {
    if (results.size() > 1) {
      results.sort((a, b) -> a.startedAt().compareTo(b.startedAt()));
    }
    Acc acc = new Acc();
    acc.newest = results.get(results.size() - 1);
    acc.runStart = acc.newest.startedAt();
    for (int j = results.size() - 2; j >= 0; j--) {
      if (results.get(j).outcome() != acc.newest.outcome()) {
        acc.whole = false;
        break;
      }
      acc.runStart = results.get(j).startedAt();
    }
    return acc;
  }

  static long epochMicros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }
}
