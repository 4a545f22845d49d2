package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotifySettingsTest {
  @Test
  void readsTheDocumentedShapeAndWritesItBack() {
    String json = "{\"remindEverySeconds\":900,\"escalation\":[{\"afterMinutes\":10,\"channels\":[\"oncall\"]},"
        + "{\"afterMinutes\":30,\"channels\":[\"boss\",\"pager\"]}]}";
    NotifySettings s = NotifySettings.fromJson(json);
    assertThat(s.remindEvery()).contains(Duration.ofMinutes(15));
    assertThat(s.escalation()).containsExactly(
        new NotifySettings.Step(Duration.ofMinutes(10), List.of("oncall")),
        new NotifySettings.Step(Duration.ofMinutes(30), List.of("boss", "pager")));
    assertThat(s.toJson().toString()).isEqualTo(json);
    assertThat(s.channelIds()).containsExactly("oncall", "boss", "pager");
  }

  @Test
  void emptyNullAndZeroMeanNothing() {
    assertThat(NotifySettings.fromJson("{}")).isEqualTo(NotifySettings.NONE);
    assertThat(NotifySettings.fromJson("null")).isEqualTo(NotifySettings.NONE);
    assertThat(NotifySettings.fromJson("{\"remindEverySeconds\":0,\"escalation\":[]}").isNone()).isTrue();
    assertThat(NotifySettings.fromJson("{\"remindEverySeconds\":null}")).isEqualTo(NotifySettings.NONE);
    assertThat(NotifySettings.NONE.toJson().toString()).isEqualTo("{}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[]| | must be an object",
        "{\"remind\":60}|remind|is not a known field",
        "{\"remindEverySeconds\":59}|remindEverySeconds|must be 0 (off) or from 60 to 604800 seconds",
        "{\"remindEverySeconds\":604801}|remindEverySeconds|from 60 to 604800",
        "{\"remindEverySeconds\":\"900\"}|remindEverySeconds|must be an integer",
        "{\"remindEverySeconds\":90.5}|remindEverySeconds|must be an integer",
        "{\"escalation\":{}}|escalation|must be an array",
        "{\"escalation\":[3]}|escalation[0]|must be an object",
        "{\"escalation\":[{\"channels\":[\"a\"]}]}|escalation[0].afterMinutes|is required",
        "{\"escalation\":[{\"afterMinutes\":0,\"channels\":[\"a\"]}]}|escalation[0].afterMinutes|from 1 to 10080",
        "{\"escalation\":[{\"afterMinutes\":5,\"channels\":[]}]}|escalation[0].channels|1 to 20 channel ids",
        "{\"escalation\":[{\"afterMinutes\":5}]}|escalation[0].channels|1 to 20 channel ids",
        "{\"escalation\":[{\"afterMinutes\":5,\"channels\":[\"Ops\"]}]}|escalation[0].channels[0]|must be a channel id",
        "{\"escalation\":[{\"afterMinutes\":5,\"channels\":[\"a\",\"a\"]}]}|escalation[0].channels[1]|repeats channel a",
        "{\"escalation\":[{\"afterMinutes\":5,\"channels\":[\"a\"],\"x\":1}]}|escalation[0].x|is not a known field",
        "{\"escalation\":[{\"afterMinutes\":30,\"channels\":[\"a\"]},{\"afterMinutes\":30,\"channels\":[\"b\"]}]}"
            + "|escalation[1].afterMinutes|must be greater than the previous step's (30)",
      })
  void namesTheBadField(String json, String field, String message) {
    assertThatThrownBy(() -> NotifySettings.fromJson(json))
        .isInstanceOfSatisfying(NotifySettings.Invalid.class, e -> {
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0).field()).isEqualTo(field == null ? "" : field);
          assertThat(e.problems().get(0).message()).contains(message);
        });
  }

  @Test
  void reportsEveryBadFieldAtOnce() {
    assertThatThrownBy(() -> NotifySettings.fromJson(
            "{\"remindEverySeconds\":1,\"escalation\":[{\"afterMinutes\":0,\"channels\":[\"-ok\",\"A\"]}]}"))
        .isInstanceOfSatisfying(NotifySettings.Invalid.class, e -> assertThat(e.problems())
            .extracting(NotifySettings.Problem::field)
            .containsExactly("remindEverySeconds", "escalation[0].afterMinutes", "escalation[0].channels[1]"))
        .hasMessageStartingWith("invalid notify settings: remindEverySeconds must be 0 (off)");
  }

  @Test
  void notJsonIsNamed() {
    assertThatThrownBy(() -> NotifySettings.fromJson("{"))
        .isInstanceOf(NotifySettings.Invalid.class)
        .hasMessageContaining("is not JSON");
  }

  @Test
  void theConstructorChecksToo() {
    assertThatThrownBy(() -> new NotifySettings(Optional.of(Duration.ofSeconds(10)), List.of()))
        .isInstanceOf(NotifySettings.Invalid.class).hasMessageContaining("remindEverySeconds");
    assertThatThrownBy(() -> new NotifySettings.Step(Duration.ofSeconds(90), List.of("a")))
        .isInstanceOf(NotifySettings.Invalid.class).hasMessageContaining("afterMinutes must be whole minutes");
  }
}
