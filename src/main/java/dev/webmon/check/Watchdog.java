package dev.webmon.check;

import dev.webmon.Closeables;
import java.net.Socket;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the total timeout of checks where socket timeouts cannot: a blocked write, a TLS
 * handshake fed one byte at a time. At the deadline it closes the check's TCP socket (the plain
 * one, never the SSLSocket, whose close may wait for locks), which fails the blocked call at once.
 * One daemon thread for all checks; firing is rare, arming and disarming is a heap insert and
 * removal. Thread-safe.
 */
final class Watchdog implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  Watchdog() {
    timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "webmon-check-watchdog");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Arms a guard that fires at {@code deadline}; the caller attaches sockets and disarms it. */
  Guard arm(Deadline deadline) {
    Guard g = new Guard();
    g.future = timer.schedule(g, Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    return g;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One check's guard. */
  static final class Guard implements Runnable {
    private volatile Socket socket;
    private volatile boolean fired;
    private ScheduledFuture<?> future;

    @Override
    public void run() {
      fired = true;
      Socket s = socket;
      if (s != null) {
        Closeables.closeQuietly(s);
      }
    }

    /** The socket to close at the deadline (replaces the previous hop's). */
    void attach(Socket s) {
      socket = s;
      if (fired) {
        Closeables.closeQuietly(s);
      }
    }

    boolean fired() {
      return fired;
    }

    void disarm() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
