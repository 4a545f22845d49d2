package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written parsers agree with the JDK's. */
class WireFormatsTest {
  @Provide
  Arbitrary<Instant> instants() {
    return EventArbitraries.instants();
  }

  @Property
  void instantsFormatLikeTheJdkAndParseBack(@ForAll("instants") Instant t) {
    String text = Instants.format(t);
    assertThat(text).isEqualTo(t.toString());
    assertThat(Instants.parse(text.toCharArray(), 0, text.length())).isEqualTo(t);
  }

  @Example
  void instantParsingIsStrict() {
    for (String bad :
        new String[] {"2026-01-01T00:00:00", "2026-01-01T00:00:00.Z", "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00+00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-01-01T24:00:00Z", "2026-01-01T23:59:60Z", "2026-01-01T00:00:00.1234567890Z",
            "+2026-01-01T00:00:00Z", "2026-01-01t00:00:00z", "2026-01-01T00:00:0aZ"}) {
      assertThat(Instants.parse(bad.toCharArray(), 0, bad.length())).as(bad).isNull();
    }
    String ok = "2024-02-29T23:59:59.5Z";
    assertThat(Instants.parse(ok.toCharArray(), 0, ok.length()))
        .isEqualTo(Instant.parse("2024-02-29T23:59:59.500Z"));
  }

  @Property
  void uuidsParseLikeTheJdk(@ForAll long msb, @ForAll long lsb, @ForAll boolean upper) {
    UUID u = new UUID(msb, lsb);
    String text = upper ? u.toString().toUpperCase(java.util.Locale.ROOT) : u.toString();
    assertThat(JsonFields.parseUuid(text.toCharArray(), 0, 36)).isEqualTo(u);
  }

  @Example
  void uuidParsingIsStrict() {
    for (String bad :
        new String[] {"0f8fad5b-d9cb-469f-a165-70867728950g", "0f8fad5bd-9cb-469f-a165-70867728950",
            "0f8fad5b-d9cb-469f-a165+70867728950e", "\uff10f8fad5b-d9cb-469f-a165-70867728950"}) {
      assertThat(JsonFields.parseUuid(bad.toCharArray(), 0, bad.length())).as(bad).isNull();
    }
  }

  @Provide
  Arbitrary<byte[]> utf8ish() {
    // Mostly valid text with some random bytes mixed in, to exercise every branch.
    Arbitrary<byte[]> valid =
        Arbitraries.strings().ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(valid, Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        valid.flatMap(v -> Arbitraries.bytes().array(byte[].class).ofMaxSize(3)
            .map(r -> concat(v, r))));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Property
  void utf8ValidationAgreesWithTheJdkDecoder(@ForAll("utf8ish") byte[] bytes) {
    boolean jdkValid;
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      jdkValid = true;
    } catch (CharacterCodingException e) {
      jdkValid = false;
    }
    boolean hasNul = false;
    for (byte b : bytes) {
      hasNul |= b == 0;
    }
    int problem = Utf8.firstProblem(bytes);
    assertThat(problem < 0).isEqualTo(jdkValid && !hasNul);
  }
}
