package dev.webmon.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link BoundedLookups.Lookup} that blocks every lookup until {@link #open()}, like an OS
 * resolver that stopped answering; then it answers 127.0.0.1, or fails when {@code answers} is
 * false. Counts the lookups started.
 */
final class GatedLookup implements BoundedLookups.Lookup, AutoCloseable {
  final AtomicInteger started = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final boolean answers;

  GatedLookup(boolean answers) {
    this.answers = answers;
  }

  @Override
  public InetAddress[] lookup(String host) throws UnknownHostException {
    started.incrementAndGet();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!answers) {
      throw new UnknownHostException(host);
    }
    return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
  }

  void open() {
    gate.countDown();
  }

  @Override
  public void close() {
    open();
  }
}
