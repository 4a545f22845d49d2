package dev.webmon.bench;

import dev.webmon.event.CheckResult;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The alerter bench's deterministic results with scripted outages. Results come in rounds: in
 * round {@code r}, result {@code i} checks key {@code i % (targets × locations)} once, so every
 * location of every target reports once per round, in the same order.
 *
 * <p>The script, by target (a hash of its number): one in ten targets has outages — in one of
 * {@code cyclesPerOutage} cycles of {@code cycleRounds} rounds, locations 0 and 1 fail for the
 * first {@code failRounds} rounds of the cycle (a quorum of 2 of 3: an incident opens at the
 * second failed round and resolves at the second passing one), and for half of them location 2
 * fails too from the second round on (an UPDATED when it fails twice); one in ten has a flaky location 0 that fails alone
 * for as long (opens nothing); every other result fails on its own one time in fifty (opens
 * nothing: two consecutive failures are needed). One target in a hundred shows a certificate that
 * expires within a week (a certificate incident). Stateless and thread-safe.
 */
final class AlerterResults {
  /** How outages repeat; see the class comment. */
  record Script(int cycleRounds, int failRounds, int cyclesPerOutage) {
    /** A realistic backlog: an outage of 3 rounds about once every 32 rounds per affected target. */
    static final Script BACKLOG = new Script(8, 3, 4);

    /** Dense, for the latency phase: every affected target fails for 2 rounds in every 4. */
    static final Script DENSE = new Script(4, 2, 1);

    Script {
      if (cycleRounds < 2 || failRounds < 1 || failRounds >= cycleRounds || cyclesPerOutage < 1) {
        throw new IllegalArgumentException("a script needs 1 <= failRounds < cycleRounds and cyclesPerOutage >= 1");
      }
    }
  }

  private final int targets;
  private final int locations;
  private final Script script;
  private final long idSpace;
  private final URI[] urls;

  /** @param idSpace high bits of the result ids, so that generators of one run never collide */
  AlerterResults(int targets, int locations, Script script, long idSpace) {
    if (targets < 1 || locations < 1) {
      throw new IllegalArgumentException("targets and locations must be at least 1");
    }
    this.targets = targets;
    this.locations = locations;
    this.script = script;
    this.idSpace = idSpace;
    this.urls = new URI[targets];
    for (int t = 0; t < targets; t++) {
      urls[t] = URI.create("https://bench-target-" + t + ".example.com/health");
    }
  }

  /** Results per round: one per location of every target. */
  long perRound() {
    return (long) targets * locations;
  }

  static String targetId(int target) {
    return "bench-target-" + target;
  }

  /** The spec of target {@code t}, checked every {@code interval}. */
  TargetSpec spec(int t, Duration interval, Instant updatedAt) {
    return TargetSpec.builder(targetId(t), urls[t]).version(1).interval(interval).updatedAt(updatedAt).build();
  }

  /** Whether result {@code i} fails by the script. */
  boolean fails(long i) {
    long round = i / perRound();
    int key = (int) (i % perRound());
    int target = key % targets;
    int location = key / targets;
    long h = mix(target);
    long kind = h % 10;
    if (kind == 0 || kind == 1) {
      long cycle = (round + (h >>> 8) % script.cycleRounds()) / script.cycleRounds();
      long inCycle = (round + (h >>> 8) % script.cycleRounds()) % script.cycleRounds();
      boolean outageCycle = mix(h ^ cycle) % script.cyclesPerOutage() == 0;
      if (outageCycle && inCycle < script.failRounds()) {
        if (kind == 1) {
          return location == 0; // a flaky location on its own
        }
        boolean third = (h >>> 20) % 2 == 0 && inCycle >= 1;
        return location <= 1 || third;
      }
    }
    return mix(i ^ 0x5deece66dL) % 50 == 0;
  }

  /** Result {@code i}, started at {@code startedAt}. */
  CheckResult result(long i, Instant startedAt) {
    int key = (int) (i % perRound());
    int target = key % targets;
    int location = key / targets;
    long h = mix(i);
    long total = 20_000 + (h & 0x3ffff);
    Instant certificate = startedAt.plus(mix(target) % 100 == 7 ? Duration.ofDays(7) : Duration.ofDays(90));
    CheckResult.Builder b =
        CheckResult.builder()
            .resultId(new UUID(idSpace, i))
            .targetId(targetId(target))
            .targetVersion(1)
            .location("loc-" + location)
            .agentId("bench-agent-" + location)
            .url(urls[target])
            .scheduledAt(startedAt.minusMillis(h & 7))
            .startedAt(startedAt)
            .timings(new PhaseTimings(total / 20, total / 10, total / 5, total / 2, total / 20, total))
            .bodyBytes(1024 + (h >>> 20 & 0xfff))
            .httpVersion("HTTP/1.1")
            .remoteAddress("203.0.113." + (target & 0xff))
            // Truncated to the day, as one certificate's notAfter stays the same from check to check.
            .tlsExpiresAt(certificate.truncatedTo(ChronoUnit.DAYS));
    if (fails(i)) {
      b.down(Reason.HTTP_STATUS).statusCode(503).detail("HTTP 503 Service Unavailable");
    } else {
      b.up(200);
    }
    return b.build();
  }

  static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return (x ^ (x >>> 31)) & Long.MAX_VALUE;
  }
}
