package dev.webmon.alerter;

import dev.webmon.event.Reason;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Version 2 of a target's alert state ({@link StateCodec#encode(TargetAlerts)}): the fields in
 * declaration order through {@link StateWriter} (varints, no {@code DataOutputStream}). The
 * location names are written once, in the locations' (sorted) order; an incident names a
 * location by its index in that table (0 = the name follows, for a location not in it).
 * {@link Reason}s are written by name, so the event package may reorder its enum. Thread-safe.
 */
final class AlertsCodec {
  static final byte VERSION = 2;

  private static final Status[] STATUSES = Status.values();
  private static final Severity[] SEVERITIES = Severity.values();
  private static final ThreadLocal<StateWriter> WRITERS = ThreadLocal.withInitial(StateWriter::new);

  private AlertsCodec() {}

  static byte[] encode(TargetAlerts s) {
    StateWriter out = WRITERS.get().reset();
    out.writeByte(VERSION);
    // The name table of the incidents' locations: the locations' own order, as decode reads it.
    List<String> names =
        s.anyOpen() ? new ArrayList<>(s.locations().locations().keySet()) : List.of();
    out.writeCount(s.locations().locations().size());
    for (LocationState l : s.locations().locations().values()) {
      location(out, l);
    }
    IncidentTracker a = s.availability();
    out.writeByte(a.lastStatus().ordinal());
    out.writeInstant(a.lastAt());
    out.writeCount(a.changes().size());
    for (Instant c : a.changes()) {
      out.writeInstant(c);
    }
    out.writeOptInstant(a.lastChange());
    out.writeBoolean(a.flapping());
    out.writeLong(a.opened());
    incident(out, a.open(), names);
    CertificateTracker c = s.certificate();
    out.writeLong(c.opened());
    out.writeOptInstant(c.newest());
    incident(out, c.open(), names);
    return out.toByteArray();
  }

  /** Decodes what follows the version byte. */
  static TargetAlerts decode(String targetId, StateReader in) throws IOException {
    int n = in.readCount();
    TreeMap<String, LocationState> locations = new TreeMap<>();
    List<String> names = new ArrayList<>(Math.min(n, 64));
    for (int i = 0; i < n; i++) {
      LocationState l = location(in);
      locations.put(l.location(), l);
      names.add(l.location());
    }
    Status last = status(in);
    Instant lastAt = in.readInstant();
    int changes = in.readCount();
    List<Instant> recent = new ArrayList<>(Math.min(changes, 64));
    for (int i = 0; i < changes; i++) {
      recent.add(in.readInstant());
    }
    IncidentTracker a = new IncidentTracker(targetId, last, lastAt, recent, in.readOptInstant(),
        in.readBoolean(), in.readLong(), incident(in, names));
    CertificateTracker c =
        new CertificateTracker(targetId, in.readLong(), in.readOptInstant(), incident(in, names));
    return new TargetAlerts(new TargetState(targetId, locations), a, c);
  }

  private static void location(StateWriter out, LocationState l) {
    out.writeString(l.location());
    out.writeByte(l.status().ordinal());
    out.writeInstant(l.lastStartedAt());
    out.writeUuid(l.lastResultId());
    out.writeCount(l.failures());
    out.writeCount(l.passes());
    out.writeCount(l.slow());
    out.writeCount(l.fast());
    out.writeOptUuid(l.streakStart());
    out.writeOptUuid(l.slowStart());
    out.writeCount(l.recentFailures().size());
    for (LocationState.Strike s : l.recentFailures()) {
      out.writeInstant(s.at());
      out.writeUuid(s.resultId());
    }
    out.writeOptUuid(l.since());
    reason(out, l.reason());
  }

  private static LocationState location(StateReader in) throws IOException {
    String name = in.readString();
    Status status = status(in);
    Instant last = in.readInstant();
    UUID lastId = in.readUuid();
    int failures = in.readCount();
    int passes = in.readCount();
    int slow = in.readCount();
    int fast = in.readCount();
    Optional<UUID> streak = in.readOptUuid();
    Optional<UUID> slowStart = in.readOptUuid();
    int n = in.readCount();
    List<LocationState.Strike> strikes = new ArrayList<>(Math.min(n, 64));
    for (int i = 0; i < n; i++) {
      strikes.add(new LocationState.Strike(in.readInstant(), in.readUuid()));
    }
    return new LocationState(name, status, last, lastId, failures, passes, slow, fast, streak,
        slowStart, strikes, in.readOptUuid(), reason(in));
  }

  private static void incident(StateWriter out, Optional<Incident> open, List<String> names) {
    out.writeBoolean(open.isPresent());
    if (open.isEmpty()) {
      return;
    }
    Incident i = open.get();
    out.writeUuid(i.id());
    out.writeLong(i.seq());
    out.writeByte(i.severity().ordinal());
    out.writeInstant(i.openedAt());
    out.writeUuid(i.cause());
    out.writeCount(i.locations().size());
    for (LocationVerdict l : i.locations()) {
      int index = names.indexOf(l.location());
      out.writeCount(index + 1);
      if (index < 0) {
        out.writeString(l.location());
      }
      out.writeByte(l.status().ordinal());
      reason(out, l.reason());
      out.writeOptUuid(l.since());
    }
    out.writeCount(i.quorum());
    out.writeCount(i.reporting());
    out.writeBoolean(i.ack().isPresent());
    if (i.ack().isPresent()) {
      Ack a = i.ack().get();
      out.writeString(a.by());
      out.writeOptString(a.note());
      out.writeInstant(a.at());
    }
    out.writeOptInstant(i.certificateExpiresAt());
  }

  private static Optional<Incident> incident(StateReader in, List<String> names)
      throws IOException {
    if (!in.readBoolean()) {
      return Optional.empty();
    }
    UUID id = in.readUuid();
    long seq = in.readLong();
    Severity severity = SEVERITIES[index(in, SEVERITIES.length)];
    Instant openedAt = in.readInstant();
    UUID cause = in.readUuid();
    int n = in.readCount();
    List<LocationVerdict> locations = new ArrayList<>(Math.min(n, 64));
    for (int i = 0; i < n; i++) {
      int ref = in.readCount();
      if (ref > names.size()) {
        throw new IOException("location " + ref + " of " + names.size());
      }
      String name = ref == 0 ? in.readString() : names.get(ref - 1);
      locations.add(new LocationVerdict(name, status(in), reason(in), in.readOptUuid()));
    }
    int quorum = in.readCount();
    int reporting = in.readCount();
    Optional<Ack> ack =
        in.readBoolean()
            ? Optional.of(new Ack(in.readString(), in.readOptString(), in.readInstant()))
            : Optional.empty();
    return Optional.of(new Incident(id, seq, severity, openedAt, cause, locations, quorum,
        reporting, ack, in.readOptInstant()));
  }

  private static void reason(StateWriter out, Optional<Reason> r) {
    out.writeBoolean(r.isPresent());
    if (r.isPresent()) {
      out.writeString(r.get().name());
    }
  }

  private static Optional<Reason> reason(StateReader in) throws IOException {
    if (!in.readBoolean()) {
      return Optional.empty();
    }
    String name = in.readString();
    try {
      return Optional.of(Reason.valueOf(name));
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown reason " + name, e);
    }
  }

  private static Status status(StateReader in) throws IOException {
    return STATUSES[index(in, STATUSES.length)];
  }

  private static int index(StateReader in, int size) throws IOException {
    int i = in.readByte();
    if (i < 0 || i >= size) {
      throw new IOException("ordinal " + i + " of " + size);
    }
    return i;
  }
}
