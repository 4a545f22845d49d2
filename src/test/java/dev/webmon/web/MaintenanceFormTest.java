package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The maintenance form read into the API's body: local times in the zone given, named errors. */
class MaintenanceFormTest {
  @Test
  void aOneOffWindowsLocalTimesAreReadInItsZone() {
    JsonNode body =
        MaintenanceForm.toJson(
            Map.of(
                "title", List.of(" Move "), "scope.targets", List.of("a, b"), "schedule.type", List.of("once"),
                "schedule.zone", List.of("Europe/Berlin"), "schedule.start", List.of("2026-07-01T22:00"),
                "schedule.end", List.of("2026-07-02T01:30")));
    assertThat(body.get("title").asText()).isEqualTo("Move");
    assertThat(body.at("/scope/targets").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(body.at("/schedule/start").asText()).isEqualTo("2026-07-01T20:00:00Z");
    assertThat(body.at("/schedule/end").asText()).isEqualTo("2026-07-01T23:30:00Z");
    assertThat(body.at("/schedule").has("zone")).as("a one-off window carries no zone").isFalse();
  }

  @Test
  void aWeeklyWindowAndTheInputsTheFormCannotRead() {
    JsonNode weekly =
        MaintenanceForm.toJson(
            Map.of(
                "title", List.of("Backups"), "scope.all", List.of("true"), "schedule.type", List.of("weekly"),
                "schedule.days", List.of("SAT", "SUN"), "schedule.at", List.of("02:00"), "schedule.duration", List.of("90")));
    assertThat(weekly.at("/schedule/duration").asText()).isEqualTo("PT90M");
    assertThat(weekly.at("/schedule/zone").asText()).as("the default zone").isEqualTo("UTC");
    assertThat(weekly.at("/schedule/days").toString()).isEqualTo("[\"SAT\",\"SUN\"]");
    assertThat(weekly.at("/scope/all").asBoolean()).isTrue();
    assertThatThrownBy(
            () -> MaintenanceForm.toJson(
                Map.of("schedule.type", List.of("once"), "schedule.zone", List.of("Mars/Base"), "schedule.start", List.of("tomorrow"))))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("schedule.zone", "schedule.start", "schedule.end"));
    assertThatThrownBy(() -> MaintenanceForm.toJson(Map.of("schedule.type", List.of("cron"), "schedule.duration", List.of("1h"))))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("schedule.duration"));
  }
}
