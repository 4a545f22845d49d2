package dev.webmon.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class BoundedLookupsTest {
  private static final Instant SCHEDULED = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void aResolverThatNeverAnswersHoldsAtMostTheBoundAndIpTargetsAreNotDelayed() throws Exception {
    GatedLookup never = new GatedLookup(false);
    BoundedLookups resolver = new BoundedLookups(never, 4);
    HttpChecker checker =
        new HttpChecker(CheckConfig.defaults("127.0.0.0/8"), "loc", "a", SSLContext.getDefault(), resolver, InstantSource.system());
    byte[] page = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
    try (TestServer s = TestServer.http((req, sock, out) -> out.write(page));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CheckResult>> names = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        TargetSpec t = TargetSpec.builder("n" + i, URI.create("http://site-" + i + ".example/")).timeout(Duration.ofMillis(300)).build();
        names.add(pool.submit(() -> checker.check(t, SCHEDULED)));
      }
      List<Future<CheckResult>> ips = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        TargetSpec t = TargetSpec.builder("ip" + i, s.url("/")).timeout(Duration.ofSeconds(2)).build();
        ips.add(pool.submit(() -> checker.check(t, SCHEDULED)));
      }
      for (Future<CheckResult> f : ips) {
        CheckResult r = f.get();
        assertThat(r.outcome()).as(String.valueOf(r.detail())).isEqualTo(Outcome.UP);
      }
      int busy = 0;
      for (Future<CheckResult> f : names) {
        CheckResult r = f.get();
        assertThat(r.reason().orElseThrow()).isIn(Reason.DNS, Reason.TIMEOUT);
        if (r.detail().orElse("").contains("DNS lookups are still running")) {
          busy++;
        }
      }
      assertThat(never.started).as("lookups started while the resolver hangs").hasValue(4);
      assertThat(resolver.inFlight()).isEqualTo(4);
      assertThat(busy).as("checks refused at once with a clear DNS reason").isEqualTo(36);
    } finally {
      never.open();
    }
  }

  @Test
  void permitsComeBackWhenTheLookupsReturn() throws Exception {
    GatedLookup release = new GatedLookup(true);
    BoundedLookups resolver = new BoundedLookups(release, 1);
    try {
      resolver.resolve("a.example", 1_000_000);
    } catch (TimeoutException expected) {
      // the caller gave up; the lookup still holds the permit
    }
    assertThat(resolver.inFlight()).isEqualTo(1);
    release.open();
    await().atMost(Duration.ofSeconds(5)).until(() -> resolver.inFlight() == 0);
    assertThat(resolver.resolve("b.example", Duration.ofSeconds(5).toNanos())[0].getHostAddress()).isEqualTo("127.0.0.1");
  }
}
