package dev.webmon.web;

import dev.webmon.WebmonException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the compacted topics the web owns hold what PostgreSQL holds when the web starts: the
 * alert policies Kafka has not seen (the {@code default} the migration seeds in PostgreSQL only)
 * and every stored maintenance window at its stored version. Runs on its own virtual thread so
 * that a web app whose Kafka is down still starts; retries each task that failed every {@link
 * #RETRY} until it succeeds or {@link #close()}.
 */
final class PublishAtStart implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PublishAtStart.class);
  static final Duration RETRY = Duration.ofSeconds(5);

  /** One task: what it publishes (for the log) and the call, returning how many it published. */
  record Task(String what, IntSupplier publish) {}

  private final List<Task> tasks;
  private final CountDownLatch closed = new CountDownLatch(1);
  private Thread thread;

  PublishAtStart(List<Task> tasks) {
    this.tasks = List.copyOf(tasks);
  }

  synchronized void start() {
    if (thread == null) {
      thread = Thread.ofVirtual().name("webmon-publish-at-start").start(this::run);
    }
  }

  private void run() {
    List<Task> left = new ArrayList<>(tasks);
    try {
      do {
        for (Iterator<Task> it = left.iterator(); it.hasNext(); ) {
          Task task = it.next();
          try {
            int n = task.publish().getAsInt();
            if (n > 0) {
              LOG.info("published {} stored {} to Kafka", n, task.what());
            }
            it.remove();
          } catch (WebmonException e) {
            LOG.warn("cannot publish the stored {} yet (retrying in {} s): {}", task.what(), RETRY.toSeconds(), e.getMessage());
          }
        }
      } while (!left.isEmpty() && !closed.await(RETRY.toMillis(), TimeUnit.MILLISECONDS));
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
