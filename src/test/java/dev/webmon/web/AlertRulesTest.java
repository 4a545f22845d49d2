package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.PolicyFields;
import dev.webmon.event.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The checks of policies and targets against the stored policies, and the parsing of the alert fields. */
class AlertRulesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final PolicyFields NONE = PolicyFields.NONE;

  private static PolicyFields fields(String json) throws Exception {
    List<FieldError> errors = new ArrayList<>();
    PolicyFields f = AlertFields.fromJson(Json.MAPPER.readTree(json), "", errors);
    assertThat(errors).as(json).isEmpty();
    return f;
  }

  private static AlertPolicySpec policy(String name, List<String> tags, PolicyFields f) {
    return new AlertPolicySpec(name, 1, tags, f, NOW);
  }

  private static TargetSpec.Builder target() {
    return TargetSpec.builder("t1", "https://example.com/").updatedAt(NOW);
  }

  @Test
  void aTargetNamesThePolicyItNamesElseTheFirstByNameSharingATag() {
    List<AlertPolicySpec> stored =
        List.of(policy("default", List.of(), NONE), policy("b-shop", List.of("shop"), NONE), policy("a-eu", List.of("eu"), NONE),
            policy("c-named", List.of("shop"), NONE));
    assertThat(AlertRules.policyOf(target().tags(List.of("shop", "eu")).build(), stored)).map(AlertPolicySpec::name).contains("a-eu");
    assertThat(AlertRules.policyOf(target().tags(List.of("shop")).alertPolicy("c-named").build(), stored))
        .map(AlertPolicySpec::name)
        .contains("c-named");
    assertThat(AlertRules.policyOf(target().tags(List.of("none")).build(), stored)).isEmpty();
  }

  @Test
  void anUnknownPolicyAndAnIncompleteMergeNameTheTargetsField() throws Exception {
    List<AlertPolicySpec> stored =
        List.of(policy("default", List.of(), NONE), policy("windowed", List.of(), fields("{\"failuresInWindow\":3,\"windowSeconds\":60}")));
    assertThat(AlertRules.targetErrors(target().alertPolicy("nope").build(), stored, "targets[2]."))
        .extracting(FieldError::field)
        .containsExactly("targets[2].alertPolicy");
    // Turning the rule off in the override without its window is incomplete over 'windowed'.
    TargetSpec off = target().alertPolicy("windowed").alertOverrides(fields("{\"failuresInWindow\":0}")).build();
    List<FieldError> errors = AlertRules.targetErrors(off, stored, "");
    assertThat(errors).extracting(FieldError::field).containsExactly("alertOverrides.windowSeconds");
    assertThat(errors.get(0).message()).contains("over policy 'windowed'");
    // ... and complete when both go.
    TargetSpec both = target().alertPolicy("windowed").alertOverrides(fields("{\"failuresInWindow\":0,\"windowSeconds\":0}")).build();
    assertThat(AlertRules.targetErrors(both, stored, "")).isEmpty();
  }

  @Test
  void aChangeOfDefaultIsCheckedAgainstEveryOtherPolicy() throws Exception {
    PolicyFields windowDefault = fields("{\"failuresInWindow\":3,\"windowSeconds\":600}");
    List<AlertPolicySpec> others = List.of(policy("count-only", List.of(), fields("{\"failuresInWindow\":5}")));
    assertThat(AlertRules.policyErrors(policy("default", List.of(), windowDefault), others)).isEmpty();
    List<FieldError> errors = AlertRules.policyErrors(policy("default", List.of(), NONE), others);
    assertThat(errors).extracting(FieldError::field).containsExactly("failuresInWindow");
    assertThat(errors.get(0).message()).contains("count-only");
    assertThat(AlertRules.policyErrors(policy("default", List.of("prod"), NONE), List.of()))
        .extracting(FieldError::field)
        .containsExactly("tags");
  }

  @Test
  void everyBadFieldIsReportedWithItsApiName() throws Exception {
    List<FieldError> errors = new ArrayList<>();
    PolicyFields f =
        AlertFields.fromJson(
            Json.MAPPER.readTree("{\"failureThreshold\":0,\"windowSeconds\":90000,\"flapWindowSeconds\":\"1h\",\"quorum\":2}"), "x.", errors);
    assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("x.failureThreshold", "x.windowSeconds", "x.flapWindowSeconds");
    assertThat(f).as("the valid fields are kept").isEqualTo(NONE.over(fields("{\"quorum\":2}")));
    List<FieldError> huge = new ArrayList<>();
    AlertFields.fromJson(Json.MAPPER.readTree("{\"flapChanges\":99999999999}"), "", huge);
    assertThat(huge).singleElement().satisfies(e -> assertThat(e.message()).contains("1000").endsWith("was 99999999999"));
  }

  @Test
  void formInputsReadAndWriteTheSameFields() throws Exception {
    PolicyFields f = fields("{\"failuresInWindow\":3,\"windowSeconds\":600,\"degradedAboveMs\":1500,\"flapWindowSeconds\":3600}");
    Map<String, String> values = AlertFields.formValues(f, "alertOverrides.");
    assertThat(values).containsEntry("alertOverrides.windowSeconds", "600").containsEntry("alertOverrides.quorum", "");
    Map<String, List<String>> form = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> form.put(k, List.of(v)));
    List<FieldError> errors = new ArrayList<>();
    assertThat(AlertFields.fromForm(form, "alertOverrides.", "alertOverrides.", errors)).isEqualTo(f);
    assertThat(errors).isEmpty();
    assertThat(f.window()).contains(Duration.ofMinutes(10));
  }

  @Property
  void anyInRangeThresholdRoundTripsThroughTheViewAndOutOfRangeOnesNameTheField(
      @ForAll @IntRange(min = -5, max = 105) int threshold) throws Exception {
    List<FieldError> errors = new ArrayList<>();
    PolicyFields f = AlertFields.fromJson(Json.MAPPER.readTree("{\"recoveryThreshold\":" + threshold + "}"), "", errors);
    if (threshold >= 1 && threshold <= 100) {
      assertThat(errors).isEmpty();
      assertThat(AlertFields.view(f)).isEqualTo(Map.of("recoveryThreshold", threshold));
    } else {
      assertThat(errors).extracting(FieldError::field).containsExactly("recoveryThreshold");
      assertThat(f.recoveryThreshold()).isEqualTo(Optional.empty());
    }
  }
}
