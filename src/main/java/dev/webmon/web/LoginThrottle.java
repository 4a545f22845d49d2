package dev.webmon.web;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;

/**
 * Slows password guessing, per web instance: at most {@link #MAX_FAILURES} failed logins per client
 * address and {@link #MAX_USER_FAILURES} per user name (whatever the addresses) within {@link
 * #WINDOW}; further attempts get 429 until the oldest failure leaves the window. An attempt is
 * counted as a failure when it {@link #begin begins}, before the password is verified, and the
 * count is checked and raised in one step, so concurrent guesses cannot all pass the check while
 * bcrypt runs; a success takes its attempt back. At most {@code maxTracked} addresses and as many
 * user names are tracked: beyond that the counters whose last failure is oldest are dropped, one
 * at a time, never all at once. Thread-safe: one lock, held for map operations only, never
 * while a password is verified.
 */
final class LoginThrottle {
  static final int MAX_FAILURES = 10;
  static final int MAX_USER_FAILURES = 30;
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final int MAX_TRACKED = 10_000;

  private final InstantSource clock;
  private final Counters addresses;
  private final Counters users;

  LoginThrottle(InstantSource clock) {
    this(clock, MAX_TRACKED);
  }

  LoginThrottle(InstantSource clock, int maxTracked) {
    this.clock = clock;
    this.addresses = new Counters(MAX_FAILURES, maxTracked);
    this.users = new Counters(MAX_USER_FAILURES, maxTracked);
  }

  /** A login attempt, counted as failed unless {@link #succeeded()} is called. */
  final class Attempt {
    private final String address;
    private final String user;
    private final Instant at;

    private Attempt(String address, String user, Instant at) {
      this.address = address;
      this.user = user;
      this.at = at;
    }

    /** The password was right: the address starts afresh and the user name's count loses this attempt. */
    void succeeded() {
      synchronized (LoginThrottle.this) {
        addresses.clear(address);
        users.remove(user, at);
      }
    }
  }

  /**
   * Counts an attempt by {@code user} from {@code address} before its password is verified.
   *
   * @throws TooManyRequestsException (nothing counted) when the address or the user name has too
   *     many recent failures
   */
  synchronized Attempt begin(String address, String user) {
    Instant now = clock.instant();
    String name = userKey(user);
    if (addresses.blocked(address, now)) {
      throw new TooManyRequestsException("Too many failed logins from this address; wait a few minutes and try again.");
    }
    if (users.blocked(name, now)) {
      throw new TooManyRequestsException("Too many failed logins for this user; wait a few minutes and try again.");
    }
    addresses.add(address, now);
    users.add(name, now);
    return new Attempt(address, name, now);
  }

  /** When {@code address} may try again, if it may not now (tests, and the 429's reason). */
  synchronized Optional<Instant> addressBlockedUntil(String address) {
    return addresses.blockedUntil(address, clock.instant());
  }

  /** User names are counted as the login compares them: stripped, in any case. */
  private static String userKey(String user) {
    String u = user.strip().toLowerCase(Locale.ROOT);
    return u.length() > 200 ? u.substring(0, 200) : u;
  }

  /** Recent failures per key, ordered by each key's last failure, oldest first. Not thread-safe. */
  private static final class Counters {
    private final int limit;
    private final int maxTracked;
    private final LinkedHashMap<String, Deque<Instant>> failures = new LinkedHashMap<>();

    Counters(int limit, int maxTracked) {
      this.limit = limit;
      this.maxTracked = maxTracked;
    }

    boolean blocked(String key, Instant now) {
      return blockedUntil(key, now).isPresent();
    }

    Optional<Instant> blockedUntil(String key, Instant now) {
      Deque<Instant> f = failures.get(key);
      if (f == null) {
        return Optional.empty();
      }
      prune(f, now);
      if (f.isEmpty()) {
        failures.remove(key);
        return Optional.empty();
      }
      return f.size() >= limit ? Optional.of(f.peekFirst().plus(WINDOW)) : Optional.empty();
    }

    void add(String key, Instant now) {
      Deque<Instant> f = failures.remove(key); // re-inserted last: the map stays ordered by last failure
      if (f == null) {
        f = new ArrayDeque<>();
      }
      f.addLast(now);
      failures.put(key, f);
      evict();
    }

    void remove(String key, Instant at) {
      Deque<Instant> f = failures.get(key);
      if (f != null) {
        f.removeLastOccurrence(at);
        if (f.isEmpty()) {
          failures.remove(key);
        }
      }
    }

    void clear(String key) {
      failures.remove(key);
    }

    /**
     * Bounded memory under a spray of addresses: the counters whose last failure is oldest go
     * (expired ones are among them first, as the map is ordered by last failure).
     */
    private void evict() {
      Iterator<String> it = failures.keySet().iterator();
      while (failures.size() > maxTracked) {
        it.next();
        it.remove();
      }
    }

    /** A failure counts while {@code now < failure + WINDOW}. */
    private static void prune(Deque<Instant> f, Instant now) {
      while (!f.isEmpty() && !now.isBefore(f.peekFirst().plus(WINDOW))) {
        f.pollFirst();
      }
    }
  }
}
