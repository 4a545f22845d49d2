package dev.webmon.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fixed-rate scheduling without drift. Every id has a phase within its interval, derived from a
 * stable hash of the id, and its checks fall on the slots {@code k * interval + phase} (epoch
 * milliseconds): the next run is always the previous scheduled time plus the interval, however
 * long the work takes, and all agents (and all locations) agree on a target's slots. Due entries
 * are handed to a {@link Dispatcher}, which must not block: scheduling never waits for a check.
 *
 * <p>One timer thread ({@link #start()}) calls {@link #runOnce(Instant)}; tests call it directly
 * with a fake clock and ticker. If the timer falls more than one interval behind (a stalled
 * machine, a forward step of the wall clock), the missed slots are skipped and counted rather
 * than fired in a burst. {@link #stalled()} tells whether the timer still runs.
 *
 * <p>The slots are wall-clock times, but waiting is measured on a monotonic ticker: every reading
 * of the wall clock is compared with the previous one plus the ticker's elapsed time, and a wall
 * clock more than a second behind that has stepped back. Then every queued due time moves back
 * by the step (one uniform shift keeps the heap order), so each entry still waits what it had
 * left to wait; it fires stamped with the wall clock of then, and its next run is again its
 * wall-clock slot. A backward step thus never stops the checks.
 *
 * <p>A cancelled or replaced entry is only marked in the queue (removing it from the heap is a
 * linear scan) and is dropped when it surfaces; once the marked entries outnumber the live ones
 * the queue is compacted, so it holds at most twice the entries scheduled.
 *
 * <p>Over 400 lines because the queue, its compaction, the clock-step handling and the liveness
 * signal share one lock and one invariant (at most one live entry per target); split, each part
 * would need the others' state.
 *
 * <p>Thread-safe.
 */
final class Scheduler<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final long MAX_WAIT_MILLIS = 1_000;
  /** A backward step of the wall clock up to this long is only waited out. */
  private static final long STEP_TOLERANCE_MILLIS = 1_000;
  /** {@link #stalled()} once the timer has not completed an iteration for this long. */
  static final Duration STALL_AFTER = Duration.ofSeconds(30);

  /** Receives due entries. Called on the timer thread; must return quickly. */
  @FunctionalInterface
  interface Dispatcher<T> {
    void dispatch(String id, T payload, Instant scheduledAt);
  }

  private static final class Entry<T> {
    final String id;
    final T payload;
    final long intervalMillis;
    final long seq;
    long dueMillis;
    boolean cancelled;

    Entry(String id, T payload, long intervalMillis, long seq, long dueMillis) {
      this.id = id;
      this.payload = payload;
      this.intervalMillis = intervalMillis;
      this.seq = seq;
      this.dueMillis = dueMillis;
    }
  }

  private final InstantSource clock;
  private final LongSupplier ticker;
  private final Dispatcher<T> dispatcher;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Entry<T>> entries = new HashMap<>();
  private final PriorityQueue<Entry<T>> queue =
      new PriorityQueue<>(Comparator.<Entry<T>>comparingLong(e -> e.dueMillis).thenComparingLong(e -> e.seq));
  private final AtomicLong missedSlots = new AtomicLong();
  private long seq;
  /** Cancelled entries still in {@link #queue}. */
  private int dead;
  private boolean dirty;
  /** The last reading of the wall clock and the ticker, to tell a backward step. */
  private long lastWallMillis;
  private long lastTickNanos;
  private boolean observed;
  private volatile long lastIterationNanos;
  private volatile boolean running;
  private volatile Thread timer;

  /** A scheduler whose waiting is measured by {@link System#nanoTime()}. */
  Scheduler(InstantSource clock, Dispatcher<T> dispatcher) {
    this(clock, System::nanoTime, dispatcher);
  }

  /**
   * @param ticker monotonic nanoseconds (like {@link System#nanoTime()}) that move with {@code
   *     clock} except when the wall clock steps
   */
  Scheduler(InstantSource clock, LongSupplier ticker, Dispatcher<T> dispatcher) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
  }

  /** The phase of {@code id} within {@code interval}, in milliseconds: stable across processes. */
  static long phaseMillis(String id, long intervalMillis) {
    return Math.floorMod(hash(id), intervalMillis);
  }

  /** The first slot of {@code id} strictly after {@code afterMillis}. */
  static long nextSlot(String id, long intervalMillis, long afterMillis) {
    long phase = phaseMillis(id, intervalMillis);
    long onOrBefore = afterMillis - Math.floorMod(afterMillis - phase, intervalMillis);
    return onOrBefore + intervalMillis;
  }

  /** 64-bit FNV-1a of the UTF-8 bytes, finished with the SplitMix64 mixer: stable and well spread. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }

  /** Schedules (or replaces) {@code id}: first run now, then on its phase. */
  void scheduleNow(String id, T payload, Duration interval) {
    long tick = ticker.getAsLong();
    long now = clock.millis();
    insert(id, payload, intervalMillis(interval), now, now, tick);
  }

  /**
   * Schedules (or replaces) {@code id}: first run within {@code spread} from now (by the id's
   * hash), or at its next slot if that comes first; then on its phase.
   */
  void scheduleWithin(String id, T payload, Duration interval, Duration spread) {
    long tick = ticker.getAsLong();
    long now = clock.millis();
    long intervalMillis = intervalMillis(interval);
    long window = Math.min(spread.toMillis(), intervalMillis);
    long spreadDue = window <= 0 ? now : now + Math.floorMod(Long.rotateLeft(hash(id), 17), window);
    long slot = nextSlot(id, intervalMillis, now - 1);
    insert(id, payload, intervalMillis, Math.min(spreadDue, slot), now, tick);
  }

  /**
   * Schedules (or replaces) {@code id}: first run at its next slot (now, if now is one), then on
   * its phase. Many targets scheduled at once so start spread over their interval by their phases.
   */
  void scheduleAtSlot(String id, T payload, Duration interval) {
    long tick = ticker.getAsLong();
    long now = clock.millis();
    long intervalMillis = intervalMillis(interval);
    insert(id, payload, intervalMillis, nextSlot(id, intervalMillis, now - 1), now, tick);
  }

  /** Schedules (or replaces) {@code id} with its first run at {@code firstDue}, then on its phase. */
  void schedule(String id, T payload, Duration interval, long firstDueMillis) {
    long tick = ticker.getAsLong();
    insert(id, payload, intervalMillis(interval), firstDueMillis, clock.millis(), tick);
  }

  private void insert(String id, T payload, long intervalMillis, long firstDueMillis, long nowMillis, long tick) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    lock.lock();
    try {
      // Before the new entry joins the queue: its due time is on the wall clock of now.
      observe(nowMillis, tick);
      Entry<T> old = entries.remove(id);
      if (old != null) {
        discard(old);
      }
      Entry<T> entry = new Entry<>(id, payload, intervalMillis, seq++, firstDueMillis);
      entries.put(id, entry);
      queue.add(entry);
      dirty = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops scheduling {@code id}; returns whether it was scheduled. */
  boolean cancel(String id) {
    lock.lock();
    try {
      Entry<T> old = entries.remove(id);
      if (old == null) {
        return false;
      }
      discard(old);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Lock held: marks {@code e}, still in the queue, and compacts once most of the queue is dead. */
  private void discard(Entry<T> e) {
    e.cancelled = true;
    dead++;
    if (dead > queue.size() - dead) {
      queue.removeIf(q -> q.cancelled);
      dead = 0;
    }
  }

  /** Lock held: notes a reading of the wall clock; on a backward step, shifts the queue with it. */
  private void observe(long wallMillis, long tick) {
    if (observed) {
      long expected = lastWallMillis + (tick - lastTickNanos) / 1_000_000;
      long back = expected - wallMillis;
      if (back > STEP_TOLERANCE_MILLIS) {
        for (Entry<T> e : queue) {
          e.dueMillis -= back;
        }
        log.warn("the wall clock stepped back by {} ms; the checks keep their rhythm", back);
      }
    }
    observed = true;
    lastWallMillis = wallMillis;
    lastTickNanos = tick;
  }

  /** True if {@code payload} (compared by identity) is still what is scheduled for {@code id}. */
  boolean isCurrent(String id, T payload) {
    return locked(
        () -> {
          Entry<T> e = entries.get(id);
          return e != null && e.payload == payload;
        });
  }

  /** The scheduled payload of {@code id}. */
  Optional<T> get(String id) {
    return locked(() -> Optional.ofNullable(entries.get(id)).map(e -> e.payload));
  }

  /** When {@code id} runs next. */
  Optional<Instant> nextRun(String id) {
    return locked(() -> Optional.ofNullable(entries.get(id)).map(e -> Instant.ofEpochMilli(e.dueMillis)));
  }

  int size() {
    return locked(entries::size);
  }

  /** Entries in the queue, cancelled ones not yet dropped included. */
  int queued() {
    return locked(queue::size);
  }

  private <R> R locked(Supplier<R> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * True if the timer thread no longer schedules checks: it ended on an error (or was interrupted)
   * without {@link #close()}, or it has not completed an iteration for {@link #STALL_AFTER}
   * (an idle timer completes one every second; so a dispatch hangs). False before {@link
   * #start()} and after {@link #close()}. Lock-free and cheap: for the agent's /health and /ready.
   */
  boolean stalled() {
    Thread t = timer;
    if (t == null || !running) {
      return false;
    }
    return !t.isAlive() || ticker.getAsLong() - lastIterationNanos > STALL_AFTER.toNanos();
  }

  /** Slots skipped because the timer was more than one interval behind. */
  long missedSlots() {
    return missedSlots.get();
  }

  /**
   * Dispatches every entry due at or before {@code now} and moves each to its next slot. Returns
   * how many were dispatched.
   */
  int runOnce(Instant now) {
    long tick = ticker.getAsLong();
    long nowMillis = now.toEpochMilli();
    List<Entry<T>> due = new ArrayList<>();
    List<Long> dueAt = new ArrayList<>();
    lock.lock();
    try {
      observe(nowMillis, tick);
      while (!queue.isEmpty() && queue.peek().dueMillis <= nowMillis) {
        Entry<T> e = queue.poll();
        if (e.cancelled) {
          dead--;
          continue;
        }
        due.add(e);
        dueAt.add(e.dueMillis);
        long next = nextSlot(e.id, e.intervalMillis, e.dueMillis);
        if (next <= nowMillis) {
          long resumed = nextSlot(e.id, e.intervalMillis, nowMillis);
          long skipped = (resumed - next) / e.intervalMillis;
          // A first run off the phase (new, changed, assigned) may fire just after its first slot:
          // the check it makes covers that slot. Only slots missed by a late timer count.
          boolean onPhase = Math.floorMod(e.dueMillis - phaseMillis(e.id, e.intervalMillis), e.intervalMillis) == 0;
          if (onPhase || skipped > 1) {
            long missed = onPhase ? skipped : skipped - 1;
            missedSlots.addAndGet(missed);
            log.debug("target {}: {} slot(s) skipped, the scheduler was behind", e.id, missed);
          }
          next = resumed;
        }
        e.dueMillis = next;
        queue.add(e);
      }
      dirty = false;
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < due.size(); i++) {
      Entry<T> e = due.get(i);
      dispatcher.dispatch(e.id, e.payload, Instant.ofEpochMilli(dueAt.get(i)));
    }
    return due.size();
  }

  /** Starts the timer thread. */
  void start() {
    lock.lock();
    try {
      if (timer != null) {
        throw new IllegalStateException("already started");
      }
      running = true;
      lastIterationNanos = ticker.getAsLong();
      timer = Thread.ofPlatform().name("webmon-scheduler").daemon(true).start(this::loop);
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    try {
      while (running) {
        runOnce(clock.instant());
        lastIterationNanos = ticker.getAsLong();
        awaitNextDue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // A dispatcher bug (or an OutOfMemoryError) ends the timer; stalled() reports it.
      log.error("the scheduler stopped: no more checks are scheduled", e);
    }
  }

  private void awaitNextDue() throws InterruptedException {
    lock.lock();
    try {
      if (dirty || !running) {
        return;
      }
      while (!queue.isEmpty() && queue.peek().cancelled) {
        queue.poll();
        dead--;
      }
      // Measured on the ticker from the last reading of the wall clock, which a step cannot move.
      long now = lastWallMillis + (ticker.getAsLong() - lastTickNanos) / 1_000_000;
      long wait = queue.isEmpty() ? MAX_WAIT_MILLIS : queue.peek().dueMillis - now;
      if (wait > 0) {
        changed.await(Math.min(wait, MAX_WAIT_MILLIS), TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the timer thread (entries stay; nothing more is dispatched). */
  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      running = false;
      changed.signalAll();
      t = timer;
    } finally {
      lock.unlock();
    }
    if (t != null) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long intervalMillis(Duration interval) {
    long millis = interval.toMillis();
    if (millis <= 0) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    return millis;
  }
}
