package dev.webmon.sink;

import dev.webmon.store.UnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sealed batches not committed yet, in commit order (at most {@link #MAX_QUEUED}), and their
 * writes on the writer thread. A batch is <em>in flight</em> once handed to the writer thread,
 * <em>waiting</em> before. A write that fails or is fenced <em>halts</em> the writer: the writes
 * handed over after it are skipped, not attempted, and taken back ({@link #take}), so they wait
 * again, in order, behind the failed batch. Not thread-safe: the consumer thread calls every
 * method; only the tasks it submits run on the writer thread.
 */
final class WritePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(WritePipeline.class);
  /** Sealed batches not yet committed, at most: one being written and one waiting for the writer. */
  static final int MAX_QUEUED = 2;

  /** What became of the head of the queue. */
  sealed interface Result permits Committed, Fenced, Unavailable, Idle {}

  /** Written and committed; removed from the queue. */
  record Committed(Batch batch, BatchWriter.Written written) implements Result {}

  /** Not written: its offsets had moved. Removed from the queue (the rest stays queued). */
  record Fenced(Batch batch) implements Result {}

  /** Not written for unavailability; stays at the head of the queue. */
  record Unavailable(UnavailableException cause) implements Result {}

  /** No outcome to take. */
  enum Idle implements Result {
    /** Nothing in flight. */
    NOTHING,
    /** The head's write has not finished (only without waiting). */
    NOT_DONE
  }

  private final BatchStore store;
  private final ExecutorService writerThread;
  private final List<Batch> queue = new ArrayList<>(MAX_QUEUED);
  /** The writes of the first queue.size() or fewer batches, in the same order. */
  private final Deque<Future<BatchWriter.Written>> submitted = new ArrayDeque<>(MAX_QUEUED);
  /** Set on the writer thread when a batch fails or is fenced: the writes queued after it skip. */
  private final AtomicBoolean halted = new AtomicBoolean();

  WritePipeline(BatchStore store, ExecutorService writerThread) {
    this.store = store;
    this.writerThread = writerThread;
  }

  void add(Batch sealed) {
    queue.add(sealed);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  boolean isFull() {
    return queue.size() >= MAX_QUEUED;
  }

  /** Whether some batch was handed to the writer thread and its outcome is not taken yet. */
  boolean inFlight() {
    return !submitted.isEmpty();
  }

  /** Whether the oldest write in flight has finished. */
  boolean headDone() {
    Future<BatchWriter.Written> head = submitted.peekFirst();
    return head != null && head.isDone();
  }

  /** Hands every waiting batch to the writer thread. */
  void handOverAll() {
    while (submitted.size() < queue.size()) {
      handOverNext();
    }
  }

  /** Hands the first waiting batch to the writer thread. */
  void handOverNext() {
    Batch next = queue.get(submitted.size());
    submitted.addLast(
        writerThread.submit(
            () -> {
              if (halted.get()) {
                return BatchWriter.Written.skipped();
              }
              try {
                BatchWriter.Written w = store.write(next);
                if (w.outcome() != BatchWriter.Outcome.COMMITTED) {
                  halted.set(true);
                }
                return w;
              } catch (RuntimeException | Error e) {
                halted.set(true);
                throw e;
              }
            }));
  }

  /**
   * Takes the outcome of the oldest write in flight, waiting for it if {@code wait}. After a
   * failed or fenced one, the writes handed over after it are taken back (they wait again).
   *
   * @throws RuntimeException what the write threw, other than {@link UnavailableException} (the
   *     batch stays at the head of the queue)
   */
  Result take(boolean wait) {
    Future<BatchWriter.Written> head = submitted.peekFirst();
    if (head == null) {
      return Idle.NOTHING;
    }
    if (!wait && !head.isDone()) {
      return Idle.NOT_DONE;
    }
    BatchWriter.Written w;
    try {
      w = getUninterruptibly(head);
    } catch (ExecutionException e) {
      submitted.pollFirst();
      settleSkipped();
      if (e.getCause() instanceof UnavailableException u) {
        return new Unavailable(u);
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("batch writer failed", e.getCause());
    }
    submitted.pollFirst();
    if (w.outcome() == BatchWriter.Outcome.SKIPPED) {
      throw new IllegalStateException("the head batch was skipped by the writer");
    }
    Batch b = queue.remove(0);
    if (w.outcome() == BatchWriter.Outcome.FENCED) {
      settleSkipped();
      return new Fenced(b);
    }
    return new Committed(b, w);
  }

  /**
   * Drops every queued batch. Meant for when no write is in flight (the caller took their
   * outcomes, or one threw): any still in flight are waited for and their outcomes dropped.
   */
  void clear() {
    settleSkipped();
    queue.clear();
  }

  /** Waits for the writes in flight (skipped after a failure) and takes them back. */
  private void settleSkipped() {
    for (Future<BatchWriter.Written> f : submitted) {
      try {
        getUninterruptibly(f);
      } catch (ExecutionException e) {
        LOG.debug("A write after a failed one failed too: {}", e.getCause().toString());
      }
    }
    submitted.clear();
    halted.set(false);
  }

  private static <T> T getUninterruptibly(Future<T> f) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
