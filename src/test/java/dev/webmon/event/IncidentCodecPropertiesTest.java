package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;

/** Round trips and totality of the incident, command and policy codecs, and 1.1 targets. */
@PropertyDefaults(tries = 300)
class IncidentCodecPropertiesTest {
  private static final EventCodec CODEC = new EventCodec();

  private static Arbitrary<UUID> uuids() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
  }

  private static <T> Arbitrary<Optional<T>> maybe(Arbitrary<T> a) {
    return a.optional(0.5);
  }

  @Provide
  Arbitrary<PolicyFields> policyFields() {
    Arbitrary<Optional<Duration>> window =
        maybe(Arbitraries.longs().between(1, 86_400).map(Duration::ofSeconds));
    Arbitrary<Optional<Duration>> flap =
        maybe(Arbitraries.longs().between(60, 86_400).map(Duration::ofSeconds));
    return Combinators.combine(
            maybe(Arbitraries.integers().between(1, 100)),
            maybe(Arbitraries.integers().between(0, 1000)),
            window,
            maybe(Arbitraries.integers().between(1, 100)),
            maybe(Arbitraries.longs().between(0, 600_000)),
            maybe(Arbitraries.integers().between(0, 1000)),
            maybe(Arbitraries.integers().between(0, 365)),
            maybe(Arbitraries.integers().between(1, 1000)))
        .flatAs((a, b, c, d, e, f, g, h) ->
            flap.map(i -> new PolicyFields(a, b, c, d, e, f, g, h, i)));
  }

  @Provide
  Arbitrary<AlertPolicySpec> policies() {
    return Combinators.combine(
            EventArbitraries.ids(64, "").map(s -> s.toLowerCase(java.util.Locale.ROOT)),
            Arbitraries.longs().between(1, Long.MAX_VALUE),
            EventArbitraries.tags(),
            policyFields(),
            EventArbitraries.instants())
        .as(AlertPolicySpec::new);
  }

  @Provide
  Arbitrary<IncidentEvent> incidents() {
    Arbitrary<LocationStatus> location =
        Combinators.combine(
                EventArbitraries.ids(64, ""),
                Arbitraries.of(LocationStatus.State.class),
                maybe(Arbitraries.of(Reason.class)),
                maybe(uuids()))
            .as(LocationStatus::new);
    Arbitrary<IncidentEvent.Acknowledgement> ack =
        Combinators.combine(
                EventArbitraries.text(1, 200, false),
                maybe(EventArbitraries.targetText(0, 200)),
                EventArbitraries.instants())
            .as(IncidentEvent.Acknowledgement::new);
    Arbitrary<IncidentEvent.Kind> kinds = Arbitraries.of(IncidentEvent.Kind.class);
    return Combinators.combine(
            uuids(),
            EventArbitraries.ids(64, ""),
            EventArbitraries.text(1, TargetSpec.MAX_NAME, false),
            Arbitraries.longs().between(2, Long.MAX_VALUE),
            kinds,
            Arbitraries.of(IncidentSeverity.class),
            EventArbitraries.instants(),
            Arbitraries.longs().between(0, 1_000_000_000L))
        .flatAs((id, target, name, seq, kind, severity, opened, span) ->
            Combinators.combine(
                    location.list().ofMaxSize(5),
                    uuids(),
                    Arbitraries.integers().between(0, 1000),
                    Arbitraries.integers().between(0, 1000),
                    ack.optional(0.5),
                    EventArbitraries.instants())
                .as((locations, cause, quorum, reporting, acknowledgement, expires) -> {
                  var at = opened.plusNanos(span);
                  if (at.isAfter(Validate.MAX_INSTANT)) {
                    at = opened;
                  }
                  long s = kind == IncidentEvent.Kind.OPENED ? 1 : seq;
                  var a = kind == IncidentEvent.Kind.ACKNOWLEDGED && acknowledgement.isEmpty()
                      ? Optional.of(new IncidentEvent.Acknowledgement("admin", Optional.empty(), at))
                      : acknowledgement;
                  var cert = severity == IncidentSeverity.CERTIFICATE
                      ? Optional.of(expires) : Optional.<java.time.Instant>empty();
                  return new IncidentEvent(id, target, name, s, kind, severity, at, opened,
                      locations, cause, quorum, reporting, "default", a, cert);
                }));
  }

  @Provide
  Arbitrary<IncidentCommand> commands() {
    return Combinators.combine(
            uuids(),
            EventArbitraries.ids(64, ""),
            uuids(),
            EventArbitraries.text(1, 200, false),
            maybe(EventArbitraries.targetText(0, 300)),
            EventArbitraries.instants())
        .as((c, t, i, by, note, at) ->
            new IncidentCommand(c, t, i, IncidentCommand.Type.ACKNOWLEDGE, by, note, at));
  }

  @Property
  void incidentsRoundTrip(@ForAll("incidents") IncidentEvent e) {
    byte[] bytes = CODEC.encode(e);
    assertThat(CODEC.decodeIncident(bytes)).isEqualTo(e);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"v\":\"1.0\",");
  }

  /** The store keeps an incident's locations in the form of the wire (IncidentWrites). */
  @Property
  void locationsJsonIsTheArrayOfTheWireFormat(@ForAll("incidents") IncidentEvent e) {
    String wire = new String(CODEC.encode(e), StandardCharsets.UTF_8);
    String locations = EventCodec.locationsJson(e.locations());
    if (e.locations().isEmpty()) {
      assertThat(locations).isEqualTo("[]");
      assertThat(wire).doesNotContain("\"locations\"");
    } else {
      assertThat(wire).contains("\"locations\":" + locations + ",");
    }
  }

  @Property
  void commandsRoundTrip(@ForAll("commands") IncidentCommand c) {
    assertThat(CODEC.decodeCommand(CODEC.encode(c))).isEqualTo(c);
  }

  @Property
  void policiesRoundTrip(@ForAll("policies") AlertPolicySpec p) {
    assertThat(CODEC.decodePolicy(CODEC.encode(p))).isEqualTo(p);
  }

  @Property
  void targetsWithAlertingFieldsRoundTripAsSchema11(
      @ForAll("policyFields") PolicyFields overrides, @ForAll boolean named) {
    TargetSpec.Builder b = Samples.target().toBuilder().alertOverrides(overrides);
    if (named) {
      b.alertPolicy("critical");
    }
    TargetSpec t = b.build();
    byte[] bytes = CODEC.encode(t);
    assertThat(CODEC.decodeTarget(bytes)).isEqualTo(t);
    String expected = t.usesAlerting() ? "1.1" : "1.0";
    assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"v\":\"" + expected + "\",");
  }

  @Property
  void mergedFieldsTakeEachFieldFromTheTopmostThatSetsIt(
      @ForAll("policyFields") PolicyFields top, @ForAll("policyFields") PolicyFields base) {
    PolicyFields merged = top.over(base);
    assertThat(merged.quorum()).isEqualTo(top.quorum().or(base::quorum));
    assertThat(merged.window()).isEqualTo(top.window().or(base::window));
    assertThat(merged.flapWindow()).isEqualTo(top.flapWindow().or(base::flapWindow));
    assertThat(PolicyFields.NONE.over(base)).isEqualTo(base);
    assertThat(top.over(PolicyFields.NONE)).isEqualTo(top);
  }

  @Property
  void mutatedEncodingsOnlyThrowDecodeException(
      @ForAll("incidents") IncidentEvent e,
      @ForAll("policies") AlertPolicySpec p,
      @ForAll("commands") IncidentCommand c,
      @ForAll int position,
      @ForAll byte value) {
    for (byte[] valid : List.of(CODEC.encode(e), CODEC.encode(p), CODEC.encode(c))) {
      byte[] bytes = valid.clone();
      bytes[Math.floorMod(position, bytes.length)] = value;
      EventCodecPropertiesTest.assertTotal(bytes, CODEC::decodeIncident, CODEC::encode);
      EventCodecPropertiesTest.assertTotal(bytes, CODEC::decodePolicy, CODEC::encode);
      EventCodecPropertiesTest.assertTotal(bytes, CODEC::decodeCommand, CODEC::encode);
    }
  }

  @Property(tries = 100)
  void arbitraryBytesOnlyThrowDecodeException(@ForAll byte[] bytes) {
    EventCodecPropertiesTest.assertTotal(bytes, CODEC::decodeIncident, CODEC::encode);
    EventCodecPropertiesTest.assertTotal(bytes, CODEC::decodePolicy, CODEC::encode);
    EventCodecPropertiesTest.assertTotal(bytes, CODEC::decodeCommand, CODEC::encode);
  }
}
