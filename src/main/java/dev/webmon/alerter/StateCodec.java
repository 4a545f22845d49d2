package dev.webmon.alerter;

import dev.webmon.WebmonException;
import dev.webmon.event.PolicyFields;
import dev.webmon.event.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The binary form of the alerter's per-target state in its stores (and so their changelogs): a
 * version byte, then the fields in declaration order. No field names, no JSON: a target with
 * three locations and an open incident is a few hundred bytes, and nothing is decoded while a
 * store is restored (the in-memory store takes the bytes as they are). The target id is the key
 * and is not repeated. Enums of this package are written by ordinal (append new values only;
 * otherwise bump the version), {@link Reason} by name. Alert states are written in version 2
 * ({@link AlertsCodec}); version 1 (through {@link DataOutputStream}) is still read, and is
 * the format of {@link Watch}es. Thread-safe.
 */
final class StateCodec {
  /** The format of alert states written ({@link AlertsCodec}). */
  static final byte VERSION = AlertsCodec.VERSION;

  /** The format of watches, and of alert states written before version 2. */
  static final byte VERSION_1 = 1;

  private static final Status[] STATUSES = Status.values();
  private static final Severity[] SEVERITIES = Severity.values();

  private StateCodec() {}

  /** A target's alert state, in the current format ({@link AlertsCodec}, version 2). */
  static byte[] encode(TargetAlerts s) {
    return AlertsCodec.encode(s);
  }

  /**
   * Decodes a target's alert state of version 2, or of version 1 (written before 2026-12; a
   * changelog may still hold such states until the target's next write).
   */
  static TargetAlerts decodeAlerts(String targetId, byte[] bytes) {
    if (bytes.length > 0 && bytes[0] != VERSION && bytes[0] != VERSION_1) {
      throw new WebmonException("alerter state of target " + targetId + " has format "
          + bytes[0] + ", this version reads " + VERSION_1 + " and " + VERSION + " only");
    }
    if (bytes.length > 0 && bytes[0] == VERSION) {
      StateReader in = new StateReader(bytes, 1);
      try {
        TargetAlerts s = AlertsCodec.decode(targetId, in);
        if (in.remaining() > 0) {
          throw new WebmonException("alerter state of target " + targetId + " has "
              + in.remaining() + " bytes too many");
        }
        return s;
      } catch (IOException e) {
        throw new WebmonException("alerter state of target " + targetId
            + " is truncated or malformed", e);
      }
    }
    return read(targetId, bytes, VERSION_1, in -> {
      int n = in.readInt();
      TreeMap<String, LocationState> locations = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        LocationState l = location(in);
        locations.put(l.location(), l);
      }
      Status last = STATUSES[in.readByte()];
      Instant lastAt = instant(in);
      int changes = in.readInt();
      List<Instant> recent = new ArrayList<>(changes);
      for (int i = 0; i < changes; i++) {
        recent.add(instant(in));
      }
      IncidentTracker a = new IncidentTracker(targetId, last, lastAt, recent, optInstant(in),
          in.readBoolean(), in.readLong(), optIncident(in));
      CertificateTracker c =
          new CertificateTracker(targetId, in.readLong(), optInstant(in), optIncident(in));
      return new TargetAlerts(new TargetState(targetId, locations), a, c);
    });
  }

  static byte[] encode(Watch w) {
    return write(out -> {
      out.writeLong(w.version());
      out.writeUTF(w.name());
      duration(out, w.interval());
      duration(out, w.timeout());
      out.writeByte(w.tags().size());
      for (String t : w.tags()) {
        out.writeUTF(t);
      }
      optString(out, w.policy());
      PolicyFields f = w.overrides();
      optInt(out, f.failureThreshold());
      optInt(out, f.failuresInWindow());
      optDuration(out, f.window());
      optInt(out, f.recoveryThreshold());
      out.writeBoolean(f.degradedAboveMs().isPresent());
      if (f.degradedAboveMs().isPresent()) {
        out.writeLong(f.degradedAboveMs().get());
      }
      optInt(out, f.quorum());
      optInt(out, f.tlsExpiryWarningDays());
      optInt(out, f.flapChanges());
      optDuration(out, f.flapWindow());
    });
  }

  static Watch decodeWatch(String targetId, byte[] bytes) {
    return read(targetId, bytes, VERSION_1, in -> {
      long version = in.readLong();
      String name = in.readUTF();
      Duration interval = duration(in);
      Duration timeout = duration(in);
      int n = in.readByte();
      List<String> tags = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        tags.add(in.readUTF());
      }
      Optional<String> policy = optString(in);
      PolicyFields f = new PolicyFields(optInt(in), optInt(in), optDuration(in), optInt(in),
          in.readBoolean() ? Optional.of(in.readLong()) : Optional.empty(), optInt(in),
          optInt(in), optInt(in), optDuration(in));
      return new Watch(version, name, interval, timeout, tags, policy, f);
    });
  }

  private static LocationState location(DataInputStream in) throws IOException {
    String name = in.readUTF();
    Status status = STATUSES[in.readByte()];
    Instant last = instant(in);
    UUID lastId = uuid(in);
    int failures = in.readInt();
    int passes = in.readInt();
    int slow = in.readInt();
    int fast = in.readInt();
    Optional<UUID> streak = optUuid(in);
    Optional<UUID> slowStart = optUuid(in);
    int n = in.readInt();
    List<LocationState.Strike> strikes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      strikes.add(new LocationState.Strike(instant(in), uuid(in)));
    }
    return new LocationState(name, status, last, lastId, failures, passes, slow, fast, streak,
        slowStart, strikes, optUuid(in), optReason(in));
  }

  private static Optional<Incident> optIncident(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return Optional.empty();
    }
    UUID id = uuid(in);
    long seq = in.readLong();
    Severity severity = SEVERITIES[in.readByte()];
    Instant openedAt = instant(in);
    UUID cause = uuid(in);
    int n = in.readInt();
    List<LocationVerdict> locations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      locations.add(new LocationVerdict(in.readUTF(), STATUSES[in.readByte()], optReason(in),
          optUuid(in)));
    }
    int quorum = in.readInt();
    int reporting = in.readInt();
    Optional<Ack> ack =
        in.readBoolean()
            ? Optional.of(new Ack(in.readUTF(), optString(in), instant(in)))
            : Optional.empty();
    return Optional.of(new Incident(id, seq, severity, openedAt, cause, locations, quorum,
        reporting, ack, optInstant(in)));
  }

  private static void instant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant instant(DataInputStream in) throws IOException {
    return Instant.ofEpochSecond(in.readLong(), in.readInt());
  }

  private static void optInstant(DataOutputStream out, Optional<Instant> t) throws IOException {
    out.writeBoolean(t.isPresent());
    if (t.isPresent()) {
      instant(out, t.get());
    }
  }

  private static Optional<Instant> optInstant(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(instant(in)) : Optional.empty();
  }

  private static void duration(DataOutputStream out, Duration d) throws IOException {
    out.writeLong(d.getSeconds());
    out.writeInt(d.getNano());
  }

  private static Duration duration(DataInputStream in) throws IOException {
    return Duration.ofSeconds(in.readLong(), in.readInt());
  }

  private static void optDuration(DataOutputStream out, Optional<Duration> d) throws IOException {
    out.writeBoolean(d.isPresent());
    if (d.isPresent()) {
      duration(out, d.get());
    }
  }

  private static Optional<Duration> optDuration(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(duration(in)) : Optional.empty();
  }

  private static void uuid(DataOutputStream out, UUID id) throws IOException {
    out.writeLong(id.getMostSignificantBits());
    out.writeLong(id.getLeastSignificantBits());
  }

  private static UUID uuid(DataInputStream in) throws IOException {
    return new UUID(in.readLong(), in.readLong());
  }

  private static void optUuid(DataOutputStream out, Optional<UUID> id) throws IOException {
    out.writeBoolean(id.isPresent());
    if (id.isPresent()) {
      uuid(out, id.get());
    }
  }

  private static Optional<UUID> optUuid(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(uuid(in)) : Optional.empty();
  }

  private static void optInt(DataOutputStream out, Optional<Integer> v) throws IOException {
    out.writeBoolean(v.isPresent());
    if (v.isPresent()) {
      out.writeInt(v.get());
    }
  }

  private static Optional<Integer> optInt(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(in.readInt()) : Optional.empty();
  }

  private static void optString(DataOutputStream out, Optional<String> v) throws IOException {
    out.writeBoolean(v.isPresent());
    if (v.isPresent()) {
      out.writeUTF(v.get());
    }
  }

  private static Optional<String> optString(DataInputStream in) throws IOException {
    return in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
  }

  private static void optReason(DataOutputStream out, Optional<Reason> r) throws IOException {
    optString(out, r.map(Reason::name));
  }

  private static Optional<Reason> optReason(DataInputStream in) throws IOException {
    return optString(in).map(Reason::valueOf);
  }

  @FunctionalInterface
  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Body body) {
    Buffer b = BUFFERS.get();
    b.bytes.reset();
    try {
      b.out.writeByte(VERSION_1);
      body.write(b.out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return b.bytes.toByteArray();
  }

  /** A thread's encoding buffer, reused. */
  private static final class Buffer {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    final DataOutputStream out = new DataOutputStream(bytes);
  }

  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  private static <T> T read(String targetId, byte[] bytes, byte expected, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != expected) {
        throw new WebmonException(
            "alerter state of target " + targetId + " has format " + version
                + ", this version reads " + expected + " only");
      }
      T value = reader.read(in);
      if (in.available() > 0) {
        throw new WebmonException(
            "alerter state of target " + targetId + " has " + in.available() + " bytes too many");
      }
      return value;
    } catch (IOException e) {
      throw new WebmonException("alerter state of target " + targetId + " is truncated", e);
    }
  }
}
