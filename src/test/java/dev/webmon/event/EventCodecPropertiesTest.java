package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

// 500 tries: generating events is the slow part, and the build shares two cores.
@PropertyDefaults(tries = 500)
class EventCodecPropertiesTest {
  private static final EventCodec CODEC = new EventCodec();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Provide
  Arbitrary<TargetSpec> targets() {
    return EventArbitraries.targets();
  }

  @Provide
  Arbitrary<CheckResult> results() {
    return EventArbitraries.results();
  }

  @Property
  void targetsRoundTrip(@ForAll("targets") TargetSpec target) throws Exception {
    byte[] bytes = CODEC.encode(target);
    assertThat(CODEC.decodeTarget(bytes)).isEqualTo(target);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"v\":\"1.0\",");
    assertNoNulls(MAPPER.readTree(bytes));
  }

  private static void assertNoNulls(JsonNode node) {
    assertThat(node.isNull()).as("null in encoding").isFalse();
    node.elements().forEachRemaining(EventCodecPropertiesTest::assertNoNulls);
  }

  @Property
  void resultsRoundTrip(@ForAll("results") CheckResult result) throws Exception {
    byte[] bytes = CODEC.encode(result);
    assertThat(CODEC.decodeResult(bytes)).isEqualTo(result);
    // 1.1 only for a result flagged maintenance, and then the flag is written as true.
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text).startsWith(result.maintenance() ? "{\"v\":\"1.1\"," : "{\"v\":\"1.0\",");
    assertThat(text.contains("\"maintenance\"")).isEqualTo(result.maintenance());
    if (result.maintenance()) {
      assertThat(text).endsWith(",\"maintenance\":true}");
    }
    assertNoNulls(MAPPER.readTree(bytes));
  }

  @Property
  void fieldOrderDoesNotMatter(@ForAll("results") CheckResult result, @ForAll long seed)
      throws Exception {
    ObjectNode tree = (ObjectNode) MAPPER.readTree(CODEC.encode(result));
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    Collections.shuffle(names, new Random(seed));
    ObjectNode shuffled = MAPPER.createObjectNode();
    names.forEach(n -> shuffled.set(n, tree.get(n)));
    assertThat(CODEC.decodeResult(MAPPER.writeValueAsBytes(shuffled))).isEqualTo(result);
  }

  @Property
  void arbitraryBytesOnlyThrowDecodeException(@ForAll byte[] bytes) {
    assertTotal(bytes, CODEC::decodeTarget, CODEC::encode);
    assertTotal(bytes, CODEC::decodeResult, CODEC::encode);
  }

  @Property
  void arbitraryJsonishTextOnlyThrowsDecodeException(@ForAll("jsonish") String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertTotal(bytes, CODEC::decodeTarget, CODEC::encode);
    assertTotal(bytes, CODEC::decodeResult, CODEC::encode);
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                "{", "}", "[", "]", ",", ":", "\"", "\"v\"", "\"1.0\"", "\"2.0\"", "null", "true",
                "1", "-0", "1e999", "99999999999999999999", "\\u0000", "\\ud800", "\"timings\"",
                "\"id\"", "\"url\"", "\"http://a\"", " ", "\n"),
            Arbitraries.strings().ofMaxLength(3))
        .list()
        .ofMaxSize(40)
        .map(l -> String.join("", l));
  }

  /** A change to an encoding: at a position (taken modulo the length), of some kind. */
  record Mutation(int kind, int position, byte value, int length, String snippet) {
    byte[] apply(byte[] in) {
      int pos = in.length == 0 ? 0 : Math.floorMod(position, in.length);
      int len = Math.min(length, in.length - pos);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      switch (kind) {
        case 0 -> { // replace a byte
          out.write(in, 0, in.length);
          byte[] b = out.toByteArray();
          if (b.length > 0) {
            b[pos] = value;
          }
          return b;
        }
        case 1 -> { // insert a byte
          out.write(in, 0, pos);
          out.write(value);
          out.write(in, pos, in.length - pos);
        }
        case 2 -> { // delete a range
          out.write(in, 0, pos);
          out.write(in, pos + len, in.length - pos - len);
        }
        case 3 -> out.write(in, 0, pos); // truncate
        case 4 -> { // duplicate a range
          out.write(in, 0, pos + len);
          out.write(in, pos, in.length - pos);
        }
        default -> { // insert a JSON snippet
          out.write(in, 0, pos);
          out.writeBytes(snippet.getBytes(StandardCharsets.UTF_8));
          out.write(in, pos, in.length - pos);
        }
      }
      return out.toByteArray();
    }
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<String> snippets =
        Arbitraries.of(
            "null", "{", "}", "[", "]", ",", ":", "\"", "0", "-1", "1.5", "1e400", "\"x\":1,",
            "\"v\":\"2.0\",", "\\u0000", "\\ud800", "\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "99999999999999999999999", "true", " ", "\u00e9", "\uD83D\uDE00");
    return Combinators.combine(
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers(),
            Arbitraries.bytes(),
            Arbitraries.integers().between(1, 40),
            snippets)
        .as(Mutation::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  @Property
  void mutatedTargetsOnlyThrowDecodeException(
      @ForAll("targets") TargetSpec target, @ForAll("mutations") List<Mutation> mutations) {
    byte[] bytes = CODEC.encode(target);
    for (Mutation m : mutations) {
      bytes = m.apply(bytes);
    }
    assertTotal(bytes, CODEC::decodeTarget, CODEC::encode);
  }

  @Property
  void mutatedResultsOnlyThrowDecodeException(
      @ForAll("results") CheckResult result, @ForAll("mutations") List<Mutation> mutations) {
    byte[] bytes = CODEC.encode(result);
    for (Mutation m : mutations) {
      bytes = m.apply(bytes);
    }
    assertTotal(bytes, CODEC::decodeResult, CODEC::encode);
  }

  @Provide
  Arbitrary<JsonNode> jsonValues() {
    return Arbitraries.oneOf(
        Arbitraries.just(MAPPER.nullNode()),
        Arbitraries.of(true, false).map(MAPPER.getNodeFactory()::booleanNode),
        Arbitraries.longs().map(MAPPER.getNodeFactory()::numberNode),
        Arbitraries.doubles().map(MAPPER.getNodeFactory()::numberNode),
        Arbitraries.strings().ofMaxLength(30).map(MAPPER.getNodeFactory()::textNode),
        Arbitraries.of("1.0", "1.9", "2.0", "PT1M", "200-399", "UP", "DOWN", "TIMEOUT",
                "2026-01-01T00:00:00Z", "https://example.com/", "00000000-0000-0000-0000-000000000000")
            .map(MAPPER.getNodeFactory()::textNode),
        Arbitraries.just(MAPPER.createObjectNode()),
        Arbitraries.just(MAPPER.createArrayNode()));
  }

  /** Replaces (or removes, when {@code remove}) one top-level field of a valid encoding. */
  @Property
  void fieldLevelMutationsOnlyThrowDecodeException(
      @ForAll("results") CheckResult result,
      @ForAll("targets") TargetSpec target,
      @ForAll int fieldIndex,
      @ForAll boolean remove,
      @ForAll("jsonValues") JsonNode value)
      throws Exception {
    mutateField(CODEC.encode(result), fieldIndex, remove, value, CODEC::decodeResult, CODEC::encode);
    mutateField(CODEC.encode(target), fieldIndex, remove, value, CODEC::decodeTarget, CODEC::encode);
  }

  private static <T> void mutateField(
      byte[] valid,
      int fieldIndex,
      boolean remove,
      JsonNode value,
      Function<byte[], T> decode,
      Function<T, byte[]> encode)
      throws Exception {
    ObjectNode tree = (ObjectNode) MAPPER.readTree(valid);
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    String name = names.get(Math.floorMod(fieldIndex, names.size()));
    if (remove) {
      tree.remove(name);
    } else {
      tree.set(name, value);
    }
    assertTotal(MAPPER.writeValueAsBytes(tree), decode, encode);
  }

  /**
   * Decoding either succeeds, and then the value re-encodes and decodes to itself, or throws a
   * DecodeException that is not the codec's safety net for unexpected runtime exceptions.
   */
  static <T> void assertTotal(byte[] bytes, Function<byte[], T> decode, Function<T, byte[]> encode) {
    T value;
    try {
      value = decode.apply(bytes);
    } catch (DecodeException e) {
      assertThat(e.getCause())
          .as("cause of %s", e)
          .satisfiesAnyOf(
              c -> assertThat(c).isNull(),
              c -> assertThat(c).isInstanceOf(InvalidEventException.class));
      assertThat(e.getMessage()).startsWith(e.error().name());
      Statistics.collect(e.error().name());
      return;
    }
    Statistics.collect("decoded");
    assertThat(decode.apply(encode.apply(value))).isEqualTo(value);
  }
}
