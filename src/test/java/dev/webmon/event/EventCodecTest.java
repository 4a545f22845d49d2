package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {
  private static final EventCodec CODEC = new EventCodec();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode resultTree() throws Exception {
    return (ObjectNode) MAPPER.readTree(CODEC.encode(Samples.result()));
  }

  private static ObjectNode targetTree() throws Exception {
    return (ObjectNode) MAPPER.readTree(CODEC.encode(Samples.target()));
  }

  private static byte[] bytes(JsonNode tree) throws Exception {
    return MAPPER.writeValueAsBytes(tree);
  }

  private static AbstractThrowableAssert<?, ?> refusesResult(byte[] input, DecodeError error) {
    return assertThatThrownBy(() -> CODEC.decodeResult(input))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.error()).isEqualTo(error));
  }

  private static AbstractThrowableAssert<?, ?> refusesTarget(byte[] input, DecodeError error) {
    return assertThatThrownBy(() -> CODEC.decodeTarget(input))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.error()).isEqualTo(error));
  }

  private static void blames(byte[] input, DecodeError error, String field) {
    refusesResult(input, error)
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.field()).contains(field))
        .hasMessageContaining(field);
  }

  private static void blamesTarget(byte[] input, DecodeError error, String field) {
    refusesTarget(input, error)
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.field()).contains(field))
        .hasMessageContaining(field);
  }

  @Test
  void samplesRoundTrip() {
    assertThat(CODEC.decodeTarget(CODEC.encode(Samples.target()))).isEqualTo(Samples.target());
    assertThat(CODEC.decodeResult(CODEC.encode(Samples.result()))).isEqualTo(Samples.result());
  }

  @Test
  void encodingIsCompactAndVersioned() {
    TargetSpec minimal = TargetSpec.builder("a", "http://a.example").build();
    assertThat(new String(CODEC.encode(minimal), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"v\":\"1.0\",\"id\":\"a\",\"version\":1,\"name\":\"a\",\"url\":\"http://a.example\","
                + "\"interval\":\"PT1M\",\"expectedStatus\":\"200-399\",\"method\":\"GET\","
                + "\"timeout\":\"PT10S\",\"maxRedirects\":5,\"updatedAt\":\"1970-01-01T00:00:00Z\"}");
  }

  @Test
  void maintenanceFlagRoundTripsAndIsWrittenAsSchema11OnlyWhenTrue() throws Exception {
    CheckResult plain = Samples.result();
    String plainJson = new String(CODEC.encode(plain), StandardCharsets.UTF_8);
    assertThat(plain.maintenance()).isFalse();
    assertThat(plainJson).startsWith("{\"v\":\"1.0\",").doesNotContain("maintenance");

    CheckResult flagged = plain.withMaintenance(true);
    String flaggedJson = new String(CODEC.encode(flagged), StandardCharsets.UTF_8);
    assertThat(flaggedJson)
        .isEqualTo(plainJson.replace("{\"v\":\"1.0\",", "{\"v\":\"1.1\",").replaceFirst("}$", ",\"maintenance\":true}"));
    assertThat(CODEC.decodeResult(utf8(flaggedJson))).isEqualTo(flagged);
    assertThat(CODEC.decodeResult(utf8(flaggedJson)).maintenance()).isTrue();
    assertThat(flagged.withMaintenance(false)).isEqualTo(plain);
    assertThat(plain.withMaintenance(false)).isSameAs(plain);
    assertThat(CheckResult.builder().resultId(plain.resultId()).target(Samples.target()).location("l")
            .agentId("a").scheduledAt(plain.scheduledAt()).startedAt(plain.startedAt()).up(200)
            .maintenance(true).build().maintenance())
        .isTrue();
  }

  @Test
  void maintenanceFalseOrAbsentReadsAsFalseWhateverTheMinor() throws Exception {
    ObjectNode tree = resultTree();
    tree.put("maintenance", false);
    assertThat(CODEC.decodeResult(bytes(tree))).isEqualTo(Samples.result());
    tree.put("v", "1.1");
    tree.remove("maintenance");
    assertThat(CODEC.decodeResult(bytes(tree))).isEqualTo(Samples.result());
    // A 1.0 reader of a 1.1 result would skip the field; this reader takes it whatever "v" says.
    tree.put("v", "1.0");
    tree.put("maintenance", true);
    assertThat(CODEC.decodeResult(bytes(tree)).maintenance()).isTrue();
  }

  @Test
  void maintenanceOfAnotherTypeIsWrongType() throws Exception {
    var f = MAPPER.getNodeFactory();
    for (JsonNode bad : List.of(f.textNode("true"), f.numberNode(1), f.nullNode(), f.objectNode(), f.arrayNode())) {
      ObjectNode tree = resultTree();
      tree.set("maintenance", bad);
      blames(bytes(tree), DecodeError.WRONG_TYPE, "maintenance");
    }
    String twice = new String(CODEC.encode(Samples.result().withMaintenance(true)), StandardCharsets.UTF_8)
        .replaceFirst("}$", ",\"maintenance\":false}");
    blames(utf8(twice), DecodeError.MALFORMED_JSON, "maintenance");
  }

  // --- EMPTY

  @Test
  void emptyInputs() {
    refusesResult(null, DecodeError.EMPTY);
    refusesResult(new byte[0], DecodeError.EMPTY);
    refusesResult(utf8(" \n\t "), DecodeError.EMPTY);
    refusesTarget(null, DecodeError.EMPTY);
  }

  // --- OVERSIZED

  @Test
  void oversizedInputIsRefusedBeforeParsing() {
    EventCodec small = new EventCodec(1024);
    byte[] padded = (new String(CODEC.encode(Samples.result()), StandardCharsets.UTF_8)
            + " ".repeat(1024)).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> small.decodeResult(padded))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.error()).isEqualTo(DecodeError.OVERSIZED));
    byte[] exactly = new byte[1024];
    java.util.Arrays.fill(exactly, (byte) ' ');
    assertThatThrownBy(() -> small.decodeResult(exactly))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.error()).isEqualTo(DecodeError.EMPTY));
  }

  @Test
  void oversizedEncodingIsRefused() {
    EventCodec small = new EventCodec(1024);
    TargetSpec big = Samples.target().toBuilder().body("x".repeat(2000)).build();
    assertThatThrownBy(() -> small.encode(big))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("1024");
  }

  @Test
  void limitBelow1024IsAProgrammingError() {
    assertThatThrownBy(() -> new EventCodec(100)).isInstanceOf(IllegalArgumentException.class);
  }

  // --- INVALID_UTF8

  @ParameterizedTest
  @ValueSource(
      strings = {
        "C328", // bad continuation
        "C0AF", // overlong '/'
        "E080AF", // overlong
        "EDA080", // encoded surrogate U+D800
        "F4908080", // above U+10FFFF
        "F5", // never valid
        "FF",
        "E282" // truncated
      })
  void invalidUtf8(String hex) throws Exception {
    byte[] prefix = utf8("{\"v\":\"1.0\",\"detail\":\"");
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    byte[] suffix = utf8("\"}");
    byte[] input = new byte[prefix.length + bad.length + suffix.length];
    System.arraycopy(prefix, 0, input, 0, prefix.length);
    System.arraycopy(bad, 0, input, prefix.length, bad.length);
    System.arraycopy(suffix, 0, input, prefix.length + bad.length, suffix.length);
    refusesResult(input, DecodeError.INVALID_UTF8).hasMessageContaining("offset " + prefix.length);
  }

  @Test
  void validMultiByteUtf8IsAccepted() {
    CheckResult r = CheckResult.builder().resultId(Samples.result().resultId()).target(Samples.target())
        .location("x").agentId("y").scheduledAt(java.time.Instant.EPOCH)
        .startedAt(java.time.Instant.EPOCH).down(Reason.DNS).detail("h\u00f4te \u20ac \uD83D\uDE00")
        .build();
    assertThat(CODEC.decodeResult(CODEC.encode(r))).isEqualTo(r);
  }

  // --- MALFORMED_JSON

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"v\":\"1.0\"",
        "{\"v\":\"1.0\",}",
        "{'v':'1.0'}",
        "{\"v\":\"1.0\"} x",
        "{\"v\":\"1.0\"}{}",
        "{\"v\":\"1.0\"} {\"v\":\"1.0\"}",
        "{\"v\":\"1.0\",\"bodyBytes\":01}",
        "{\"v\":\"1.0\",\"bodyBytes\":NaN}",
        "{\"v\":\"1.0\" /* comment */}",
        "{v:\"1.0\"}",
        "[1,2",
        "nul",
        "\"unterminated",
        "{\"detail\":\"tab\there\"}",
        "\u00ef\u00bb\u00bf{\"v\":\"1.0\"}" // a BOM, once UTF-8 encoded... see bomIsRefused
      })
  void malformedJson(String text) {
    refusesResult(utf8(text), DecodeError.MALFORMED_JSON);
  }

  @Test
  void bomIsRefused() {
    byte[] json = utf8("{\"v\":\"1.0\"}");
    byte[] input = new byte[json.length + 3];
    input[0] = (byte) 0xEF;
    input[1] = (byte) 0xBB;
    input[2] = (byte) 0xBF;
    System.arraycopy(json, 0, input, 3, json.length);
    refusesResult(input, DecodeError.MALFORMED_JSON).hasMessageContaining("byte-order mark");
  }

  @Test
  void nulBytesAndUtf16AreRefused() {
    refusesResult(utf8("{\"v\":\"1.0\"}\u0000"), DecodeError.MALFORMED_JSON)
        .hasMessageContaining("NUL");
    refusesResult("{\"v\":\"1.0\"}".getBytes(StandardCharsets.UTF_16LE), DecodeError.MALFORMED_JSON);
  }

  @Test
  void duplicateKeysAreRefusedNamingTheKey() throws Exception {
    String json = new String(CODEC.encode(Samples.result()), StandardCharsets.UTF_8);
    String dup = json.replace("\"bodyBytes\":1234", "\"bodyBytes\":1234,\"bodyBytes\":1");
    refusesResult(utf8(dup), DecodeError.MALFORMED_JSON).hasMessageContaining("bodyBytes");
    String nested = json.replace("\"dnsMicros\":1200", "\"dnsMicros\":1200,\"dnsMicros\":1200");
    refusesResult(utf8(nested), DecodeError.MALFORMED_JSON).hasMessageContaining("dnsMicros");
  }

  @Test
  void deepNestingIsRefusedWithoutStackOverflow() {
    String deep = "{\"v\":\"1.0\",\"future\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";
    refusesResult(utf8(deep), DecodeError.MALFORMED_JSON).hasMessageContaining("depth");
    String deepObjects = "{\"future\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
    refusesTarget(utf8(deepObjects), DecodeError.MALFORMED_JSON);
  }

  // --- MISSING_FIELD

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v", "resultId", "targetId", "targetVersion", "location", "agentId", "url",
        "scheduledAt", "startedAt", "outcome", "timings", "bodyBytes", "redirects"
      })
  void missingResultField(String field) throws Exception {
    ObjectNode tree = resultTree();
    tree.remove(field);
    blames(bytes(tree), DecodeError.MISSING_FIELD, field);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v", "id", "version", "name", "url", "interval", "expectedStatus", "method", "timeout",
        "maxRedirects", "updatedAt"
      })
  void missingTargetField(String field) throws Exception {
    ObjectNode tree = targetTree();
    tree.remove(field);
    blamesTarget(bytes(tree), DecodeError.MISSING_FIELD, field);
  }

  @Test
  void missingTiming() throws Exception {
    ObjectNode tree = resultTree();
    ((ObjectNode) tree.get("timings")).remove("totalMicros");
    blames(bytes(tree), DecodeError.MISSING_FIELD, "timings.totalMicros");
  }

  @Test
  void optionalFieldsMayBeAbsent() throws Exception {
    ObjectNode tree = targetTree();
    for (String f : List.of("mustMatch", "mustNotMatch", "headers", "body", "tags")) {
      tree.remove(f);
    }
    TargetSpec t = CODEC.decodeTarget(bytes(tree));
    assertThat(t.mustMatch()).isEmpty();
    assertThat(t.headers()).isEmpty();
    assertThat(t.tags()).isEmpty();
  }

  // --- WRONG_TYPE

  @Test
  void wrongTypes() throws Exception {
    refusesResult(utf8("[]"), DecodeError.WRONG_TYPE).hasMessageContaining("an object");
    refusesResult(utf8("\"x\""), DecodeError.WRONG_TYPE);
    refusesResult(utf8("42"), DecodeError.WRONG_TYPE);
    refusesResult(utf8("[1,2] x"), DecodeError.MALFORMED_JSON);

    record Case(String field, JsonNode value) {}
    var f = MAPPER.getNodeFactory();
    for (Case c :
        List.of(
            new Case("targetVersion", f.textNode("3")),
            new Case("targetVersion", f.numberNode(3.0)),
            new Case("resultId", f.numberNode(1)),
            new Case("timings", f.arrayNode()),
            new Case("reason", f.nullNode()),
            new Case("statusCode", f.numberNode(503.5)),
            new Case("v", f.numberNode(1.0)),
            new Case("detail", f.booleanNode(true)),
            new Case("scheduledAt", f.numberNode(1_700_000_000)))) {
      ObjectNode tree = resultTree();
      tree.set(c.field(), c.value());
      blames(bytes(tree), DecodeError.WRONG_TYPE, c.field());
    }
    ObjectNode tree = resultTree();
    ((ObjectNode) tree.get("timings")).put("dnsMicros", "1200");
    blames(bytes(tree), DecodeError.WRONG_TYPE, "timings.dnsMicros");

    ObjectNode target = targetTree();
    target.put("tags", "team:web");
    blamesTarget(bytes(target), DecodeError.WRONG_TYPE, "tags");
    target = targetTree();
    target.putArray("tags").add(1);
    blamesTarget(bytes(target), DecodeError.WRONG_TYPE, "tags[0]");
    target = targetTree();
    target.putObject("headers").put("Accept", 1);
    blamesTarget(bytes(target), DecodeError.WRONG_TYPE, "headers.Accept");
  }

  // --- INVALID_VALUE

  @Test
  void invalidValues() throws Exception {
    record Case(String field, Object value) {}
    for (Case c :
        List.of(
            new Case("resultId", "0f8fad5b-d9cb-469f-a165-70867728950"),
            new Case("resultId", "1-1-1-1-1"),
            new Case("targetId", "has space"),
            new Case("targetVersion", 0),
            new Case("targetVersion", new java.math.BigInteger("99999999999999999999")),
            new Case("url", "ftp://example.com/"),
            new Case("url", "not a uri"),
            new Case("scheduledAt", "2026-03-01T12:00:30+01:00"),
            new Case("scheduledAt", "2026-02-30T12:00:30Z"),
            new Case("scheduledAt", "2026-03-01t12:00:30z"),
            new Case("scheduledAt", "1969-12-31T23:59:59Z"),
            new Case("outcome", "up"),
            new Case("reason", "SLOW"),
            new Case("statusCode", 99),
            new Case("statusCode", 3_000_000_000L),
            new Case("bodyBytes", -1),
            new Case("redirects", 21),
            new Case("detail", "x".repeat(501)),
            new Case("v", "1"),
            new Case("v", "1.01"))) {
      ObjectNode tree = resultTree();
      tree.set(c.field(), MAPPER.valueToTree(c.value()));
      blames(bytes(tree), DecodeError.INVALID_VALUE, c.field());
    }
  }

  @Test
  void crossFieldRulesAreInvalidValues() throws Exception {
    ObjectNode up = resultTree();
    up.put("outcome", "UP");
    blames(bytes(up), DecodeError.INVALID_VALUE, "reason");
    ObjectNode noStatus = resultTree();
    noStatus.remove("statusCode");
    blames(bytes(noStatus), DecodeError.INVALID_VALUE, "statusCode");
    ObjectNode down = resultTree();
    down.remove("reason");
    blames(bytes(down), DecodeError.INVALID_VALUE, "reason");
  }

  @Test
  void invalidTargetValues() throws Exception {
    record Case(String field, Object value, String blamed) {}
    for (Case c :
        List.of(
            new Case("interval", "PT9S", "interval"),
            new Case("interval", "pt1m", "interval"),
            new Case("interval", "1m", "interval"),
            new Case("timeout", "PT121S", "timeout"),
            new Case("mustMatch", "(unclosed", "mustMatch"),
            new Case("mustNotMatch", "", "mustNotMatch"),
            new Case("expectedStatus", "200 - 399", "expectedStatus"),
            new Case("expectedStatus", "600", "expectedStatus"),
            new Case("method", "get", "method"),
            new Case("method", "TRACE", "method"),
            new Case("maxRedirects", 21, "maxRedirects"),
            new Case("url", "https://user:pw@example.com/", "url"),
            new Case("url", "/relative", "url"),
            new Case("name", "", "name"),
            new Case("version", -1, "version"))) {
      ObjectNode tree = targetTree();
      tree.set(c.field(), MAPPER.valueToTree(c.value()));
      blamesTarget(bytes(tree), DecodeError.INVALID_VALUE, c.blamed());
    }
    ObjectNode crlf = targetTree();
    crlf.putObject("headers").put("X-A", "a\r\nInjected: yes");
    blamesTarget(bytes(crlf), DecodeError.INVALID_VALUE, "headers.X-A");
    ObjectNode host = targetTree();
    host.putObject("headers").put("Host", "evil");
    blamesTarget(bytes(host), DecodeError.INVALID_VALUE, "headers.Host");
    ObjectNode caseDup = targetTree();
    caseDup.putObject("headers").put("Accept", "a").put("accept", "b");
    blamesTarget(bytes(caseDup), DecodeError.INVALID_VALUE, "headers.accept");
  }

  @Test
  void invalidValueMessagesDoNotEchoHeaderValues() throws Exception {
    ObjectNode tree = targetTree();
    tree.putObject("headers").put("Authorization", "Bearer s3cret\n");
    refusesTarget(bytes(tree), DecodeError.INVALID_VALUE)
        .message()
        .doesNotContain("s3cret");
  }

  // --- UNSUPPORTED_VERSION

  @ParameterizedTest
  @ValueSource(strings = {"2.0", "0.9", "10.1"})
  void otherMajorsAreRefused(String version) throws Exception {
    ObjectNode tree = resultTree();
    tree.put("v", version);
    blames(bytes(tree), DecodeError.UNSUPPORTED_VERSION, "v");
  }

  @Test
  void versionIsCheckedBeforeFieldsWhereverItIs() {
    // A 2.x producer may change a field's type; the reader must say "version", not "type".
    String v2 = "{\"timings\":\"new shape\",\"v\":\"2.0\"}";
    refusesResult(utf8(v2), DecodeError.UNSUPPORTED_VERSION);
    refusesTarget(utf8("{\"interval\":60,\"v\":\"3.1\"}"), DecodeError.UNSUPPORTED_VERSION);
  }

  @Test
  void laterMinorsWithUnknownFieldsAreAccepted() throws Exception {
    ObjectNode tree = resultTree();
    tree.put("v", "1.12");
    tree.putObject("newThing").putArray("nested").add(1).addObject().put("x", (String) null);
    tree.putNull("newNull");
    ((ObjectNode) tree.get("timings")).put("queueMicros", 17);
    assertThat(CODEC.decodeResult(bytes(tree))).isEqualTo(Samples.result());
  }

  @Test
  void fieldsMayComeInAnyOrder() throws Exception {
    ObjectNode tree = targetTree();
    ObjectNode reordered = MAPPER.createObjectNode();
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    java.util.Collections.reverse(names);
    names.forEach(n -> reordered.set(n, tree.get(n)));
    assertThat(CODEC.decodeTarget(bytes(reordered))).isEqualTo(Samples.target());
  }

  @Test
  void aResultIsNotATarget() {
    blamesTarget(CODEC.encode(Samples.result()), DecodeError.MISSING_FIELD, "id");
  }

  @Test
  void sharedCodecIsThreadSafe() throws Exception {
    byte[] result = CODEC.encode(Samples.result());
    byte[] target = CODEC.encode(Samples.target());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(
            () -> {
              for (int i = 0; i < 300; i++) {
                if (!CODEC.decodeResult(result).equals(Samples.result())
                    || !CODEC.decodeTarget(CODEC.encode(CODEC.decodeTarget(target)))
                        .equals(Samples.target())) {
                  return false;
                }
              }
              return true;
            });
      }
      for (Future<Boolean> f : pool.invokeAll(tasks)) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
