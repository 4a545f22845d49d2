package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Concurrent wrong logins from one address: each is counted before its password is verified, so
 * at most {@link LoginThrottle#MAX_FAILURES} get as far as bcrypt. Without web.trusted-proxies an
 * X-Forwarded-For header changes nothing.
 */
@ExtendWith(WebExtension.class)
class LoginRaceIT {

  @Test
  void concurrentGuessesCannotAllPassTheThrottle(WebFixture web) throws Exception {
    LoginAttempts logins = new LoginAttempts(web.base());
    int threads = 30;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String forwarded = "198.51.100." + (i + 1);
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return logins.attempt("admin", "wrong password", Optional.of(forwarded));
                }));
      }
      start.countDown();
      Map<Integer, Integer> byStatus = new TreeMap<>();
      for (Future<Integer> f : answers) {
        byStatus.merge(f.get(120, TimeUnit.SECONDS), 1, Integer::sum);
      }
      assertThat(byStatus.keySet()).as(byStatus.toString()).containsOnly(401, 429);
      assertThat(byStatus.get(401)).as(byStatus.toString()).isEqualTo(LoginThrottle.MAX_FAILURES);
    } finally {
      pool.shutdownNow();
    }
  }
}
