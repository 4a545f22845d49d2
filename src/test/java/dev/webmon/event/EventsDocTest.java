package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps docs/events.md true: its examples and field tables are checked against the codec. */
class EventsDocTest {
  private static final EventCodec CODEC = new EventCodec();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern BLOCK =
      Pattern.compile("<!-- examples?: (\\w+) -->\\s*```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

  private static String doc() throws IOException {
    // Surefire runs in the project root.
    return Files.readString(Path.of("docs", "events.md"), StandardCharsets.UTF_8);
  }

  private static List<String> blocks(String kind) throws IOException {
    List<String> found = new ArrayList<>();
    Matcher m = BLOCK.matcher(doc());
    while (m.find()) {
      if (m.group(1).equals(kind)) {
        found.add(m.group(2));
      }
    }
    return found;
  }

  private static void assertSameFields(String example, byte[] reencoded) throws IOException {
    JsonNode expected = MAPPER.readTree(example);
    assertThat(MAPPER.readTree(reencoded))
        .as("example re-encoded: a field the codec ignores or writes differently?")
        .isEqualTo(expected);
  }

  @Test
  void targetExamplesDecodeAndReencodeToTheSameFields() throws IOException {
    List<String> examples = blocks("target");
    assertThat(examples).isNotEmpty();
    for (String example : examples) {
      TargetSpec t = CODEC.decodeTarget(example.getBytes(StandardCharsets.UTF_8));
      assertSameFields(example, CODEC.encode(t));
    }
    assertThat(CODEC.decodeTarget(examples.get(0).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Samples.target());
  }

  @Test
  void resultExamplesDecodeAndReencodeToTheSameFields() throws IOException {
    List<String> examples = blocks("result");
    assertThat(examples).hasSizeGreaterThanOrEqualTo(2);
    for (String example : examples) {
      CheckResult r = CODEC.decodeResult(example.getBytes(StandardCharsets.UTF_8));
      assertSameFields(example, CODEC.encode(r));
    }
    assertThat(CODEC.decodeResult(examples.get(0).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Samples.result());
  }

  @Test
  void incidentCommandAndPolicyExamplesDecodeAndReencodeToTheSameFields() throws IOException {
    List<String> incidents = blocks("incident");
    assertThat(incidents).hasSizeGreaterThanOrEqualTo(3);
    for (String example : incidents) {
      IncidentEvent e = CODEC.decodeIncident(example.getBytes(StandardCharsets.UTF_8));
      assertSameFields(example, CODEC.encode(e));
    }
    List<String> commands = blocks("command");
    assertThat(commands).isNotEmpty();
    for (String example : commands) {
      IncidentCommand c = CODEC.decodeCommand(example.getBytes(StandardCharsets.UTF_8));
      assertSameFields(example, CODEC.encode(c));
    }
    List<String> policies = blocks("policy");
    assertThat(policies).isNotEmpty();
    for (String example : policies) {
      AlertPolicySpec p = CODEC.decodePolicy(example.getBytes(StandardCharsets.UTF_8));
      assertSameFields(example, CODEC.encode(p));
    }
  }

  @Test
  void maintenanceExamplesDecodeAndReencodeToTheSameFields() throws IOException {
    List<String> windows = blocks("maintenance");
    assertThat(windows).hasSizeGreaterThanOrEqualTo(3);
    for (String example : windows) {
      MaintenanceWindow w = CODEC.decodeMaintenance(example.getBytes(StandardCharsets.UTF_8));
      assertSameFields(example, CODEC.encode(w));
    }
    MaintenanceWindow first = CODEC.decodeMaintenance(windows.get(0).getBytes(StandardCharsets.UTF_8));
    assertThat(first.schedule().activeAt(java.time.Instant.parse("2026-03-29T01:00:00Z"))).isTrue();
    assertThat(first.schedule().activeAt(java.time.Instant.parse("2026-03-29T02:00:00Z"))).isFalse();
    assertThat(tableFields("## `MaintenanceWindow`")).containsExactlyElementsOf(encodedFields(windows.get(0).getBytes(StandardCharsets.UTF_8)));
  }

  private static void decode(String kind, byte[] input) {
    switch (kind) {
      case "target" -> CODEC.decodeTarget(input);
      case "result" -> CODEC.decodeResult(input);
      case "incident" -> CODEC.decodeIncident(input);
      case "command" -> CODEC.decodeCommand(input);
      case "policy" -> CODEC.decodePolicy(input);
      case "maintenance" -> CODEC.decodeMaintenance(input);
      default -> throw new AssertionError("unknown event kind " + kind);
    }
  }

  @Test
  void errorExamplesFailAsDocumented() throws IOException {
    List<String> lines = blocks("errors").get(0).lines().toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+", 4);
      byte[] input = parts[3].getBytes(StandardCharsets.UTF_8);
      Optional<String> field = parts[2].equals("-") ? Optional.empty() : Optional.of(parts[2]);
      assertThatThrownBy(() -> decode(parts[0], input))
          .as(line)
          .isInstanceOfSatisfying(
              DecodeException.class,
              e -> {
                assertThat(e.error().name()).as(line).isEqualTo(parts[1]);
                assertThat(e.field()).as(line).isEqualTo(field);
              });
    }
  }

  @Test
  void everyDecodeErrorIsDocumented() throws IOException {
    String doc = doc();
    for (DecodeError e : DecodeError.values()) {
      assertThat(doc).contains("| `" + e.name() + "`");
    }
  }

  /** The first-column field names of the table following {@code heading}. */
  private static Set<String> tableFields(String heading) throws IOException {
    String doc = doc();
    String section = doc.substring(doc.indexOf(heading));
    int example = section.indexOf("<!-- example");
    int next = section.indexOf("\n## ", 1);
    section = section.substring(0, next < 0 ? example : Math.min(example, next));
    Set<String> fields = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `(\\w+)`").matcher(section);
    while (m.find()) {
      fields.add(m.group(1));
    }
    return fields;
  }

  private static Set<String> encodedFields(byte[] json) throws IOException {
    Set<String> fields = new LinkedHashSet<>();
    MAPPER.readTree(json).fieldNames().forEachRemaining(fields::add);
    return fields;
  }

  @Test
  void fieldTablesListExactlyTheEncodedFieldsInOrder() throws IOException {
    TargetSpec full =
        Samples.target().toBuilder()
            .body("{}")
            .alertPolicy("critical")
            .alertOverrides(Samples.allPolicyFields())
            .build();
    assertThat(tableFields("## `TargetSpec`"))
        .containsExactlyElementsOf(encodedFields(CODEC.encode(full)));
    assertThat(tableFields("## `CheckResult`"))
        .containsExactlyElementsOf(encodedFields(CODEC.encode(Samples.result().withMaintenance(true))));
    assertThat(tableFields("## `IncidentEvent`"))
        .containsExactlyElementsOf(encodedFields(CODEC.encode(Samples.fullIncident())));
    assertThat(tableFields("## `IncidentCommand`"))
        .containsExactlyElementsOf(encodedFields(CODEC.encode(Samples.command())));
    AlertPolicySpec policy =
        new AlertPolicySpec("p", 1, List.of("t"), Samples.allPolicyFields(), Samples.AT);
    assertThat(tableFields("## `AlertPolicySpec`"))
        .containsExactlyElementsOf(encodedFields(CODEC.encode(policy)));
    assertThat(tableFields("### Policy fields"))
        .containsExactlyElementsOf(
            MAPPER.readTree(CODEC.encode(policy)).get("fields")::fieldNames);
  }
}
