package dev.webmon.web;

import dev.webmon.WebmonException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the policies topic holds every stored policy when the web starts: the migration
 * seeds {@code default} in PostgreSQL only, so the first web instance to start publishes it (and
 * any other row Kafka has not seen). Runs on its own virtual thread so that a web app whose Kafka
 * is down still starts; retries every {@link #RETRY} until it succeeds or {@link #close()}.
 */
final class PolicySeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySeed.class);
  static final Duration RETRY = Duration.ofSeconds(5);

  private final PolicyService service;
  private final CountDownLatch closed = new CountDownLatch(1);
  private Thread thread;

  PolicySeed(PolicyService service) {
    this.service = service;
  }

  synchronized void start() {
    if (thread == null) {
      thread = Thread.ofVirtual().name("webmon-policy-seed").start(this::run);
    }
  }

  private void run() {
    try {
      do {
        try {
          int n = service.publishPending();
          if (n > 0) {
            LOG.info("published {} stored alert polic(ies) Kafka had not seen", n);
          }
          return;
        } catch (WebmonException e) {
          LOG.warn("cannot publish the stored alert policies yet (retrying in {} s): {}", RETRY.toSeconds(), e.getMessage());
        }
      } while (!closed.await(RETRY.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
