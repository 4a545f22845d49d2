package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Valid settings read back as written; out-of-range numbers are refused, naming the field. */
class NotifySettingsPropertiesTest {
  @Provide
  Arbitrary<NotifySettings> settings() {
    Arbitrary<Optional<Duration>> remind = Arbitraries.longs().between(60, 604800).map(Duration::ofSeconds).optional(0.7);
    Arbitrary<String> id = Arbitraries.strings().withChars("abcz09-").ofMinLength(1).ofMaxLength(64);
    Arbitrary<List<String>> channels = id.set().ofMinSize(1).ofMaxSize(20).map(ArrayList::new);
    Arbitrary<List<NotifySettings.Step>> steps = Combinators.combine(
            Arbitraries.longs().between(1, 10080).set().ofMaxSize(10), channels.list().ofSize(10))
        .as((minutes, ids) -> {
          List<NotifySettings.Step> list = new ArrayList<>();
          int i = 0;
          for (long m : new TreeSet<>(minutes)) {
            list.add(new NotifySettings.Step(Duration.ofMinutes(m), ids.get(i++)));
          }
          return list;
        });
    return Combinators.combine(remind, steps).as(NotifySettings::new);
  }

  @Property(tries = 300)
  void readsBackWhatItWrites(@ForAll("settings") NotifySettings s) {
    assertThat(NotifySettings.fromJson(s.toJson())).isEqualTo(s);
    assertThat(NotifySettings.fromJson(s.toJson().toString())).isEqualTo(s);
  }

  @Property(tries = 200)
  void refusesRemindersOutOfRange(@ForAll @LongRange(min = -100_000, max = 2_000_000) long seconds) {
    String json = "{\"remindEverySeconds\":" + seconds + "}";
    if (seconds == 0 || (seconds >= 60 && seconds <= 604800)) {
      assertThat(NotifySettings.fromJson(json).remindEvery().map(Duration::toSeconds))
          .isEqualTo(seconds == 0 ? Optional.empty() : Optional.of(seconds));
    } else {
      assertThatThrownBy(() -> NotifySettings.fromJson(json))
          .isInstanceOfSatisfying(NotifySettings.Invalid.class,
              e -> assertThat(e.problems()).extracting(NotifySettings.Problem::field).containsExactly("remindEverySeconds"));
    }
  }
}
