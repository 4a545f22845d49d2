package dev.webmon.bench;

import dev.webmon.event.CheckResult;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/** The sink bench's deterministic results: result {@code i} is the same in every phase. */
final class ResultGenerator {
  private final SinkBench.Options o;
  private final Instant base;
  private final long idSpace;
  private final URI[] urls;

  /** @param idSpace high bits of the result ids, so that generators never collide */
  ResultGenerator(SinkBench.Options o, Instant base, long idSpace) {
    this.o = o;
    this.base = base;
    this.idSpace = idSpace;
    this.urls = new URI[o.targets()];
    for (int t = 0; t < urls.length; t++) {
      urls[t] = URI.create("https://bench-target-" + t + ".example.com/health");
    }
  }

  CheckResult result(long i, Instant startedAt) {
    int key = (int) (i % ((long) o.targets() * o.locations()));
    int target = key % o.targets();
    int location = key / o.targets();
    long h = mix(i);
    long total = 20_000 + (h & 0x3ffff);
    CheckResult.Builder b =
        CheckResult.builder()
            .resultId(new UUID(idSpace, i))
            .targetId("bench-target-" + target)
            .targetVersion(1)
            .location("loc-" + location)
            .agentId("bench-agent-" + location)
            .url(urls[target])
            .scheduledAt(startedAt.minusMillis(h & 7))
            .startedAt(startedAt)
            .timings(new PhaseTimings(total / 20, total / 10, total / 5, total / 2, total / 20, total))
            .bodyBytes(1024 + (h >>> 20 & 0xfff))
            .httpVersion("HTTP/1.1")
            .remoteAddress("203.0.113." + (target & 0xff));
    if ((h >>> 40) % 20 == 0) {
      b.down(Reason.HTTP_STATUS).statusCode(503).detail("HTTP 503 Service Unavailable");
    } else {
      b.up(200);
    }
    return b.build();
  }

  CheckResult result(long i) {
    return result(i, base.plusMillis(i * 10));
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }
}
