package dev.webmon.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.WebmonException;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The reminder and escalation settings of an alert policy: column {@code alert_policy.notify},
 * {@code {"remindEverySeconds": n, "escalation": [{"afterMinutes": n, "channels": ["id", …]}]}}
 * (docs/notifications.md, "Reminders and escalation"). {@code {}} means no reminders and no
 * escalation. Immutable and thread-safe.
 *
 * @param remindEvery how often an open, unacknowledged incident is reminded of; empty = never
 * @param escalation the steps, in strictly increasing {@link Step#after()} order
 */
public record NotifySettings(Optional<Duration> remindEvery, List<Step> escalation) {
  /** No reminders, no escalation: the default of every policy. */
  public static final NotifySettings NONE = new NotifySettings(Optional.empty(), List.of());

  /** The JSON field names. */
  public static final String REMIND_EVERY = "remindEverySeconds";

  public static final String ESCALATION = "escalation";
  public static final String AFTER_MINUTES = "afterMinutes";
  public static final String CHANNELS = "channels";

  /** Bounds of {@code remindEverySeconds} (0 also means off). */
  public static final long MIN_REMIND_SECONDS = 60;

  public static final long MAX_REMIND_SECONDS = 7 * 24 * 3600;

  /** Bounds of {@code afterMinutes}. */
  public static final long MIN_AFTER_MINUTES = 1;

  public static final long MAX_AFTER_MINUTES = 7 * 24 * 60;

  /** At most this many steps, and this many channels per step. */
  public static final int MAX_STEPS = 10;

  public static final int MAX_CHANNELS = 20;

  /** A channel id, as {@code notify_channel.id} allows. */
  private static final Pattern CHANNEL_ID = Pattern.compile("[a-z0-9-]{1,64}");

  /**
   * One escalation step: once the incident has been open and unacknowledged for {@code after},
   * these channels are told.
   *
   * @param after time since the incident opened, whole minutes
   * @param channels channel ids, at least one, no repeats
   */
  public record Step(Duration after, List<String> channels) {
    /** Validates every component. */
    public Step {
      Objects.requireNonNull(after, "after");
      channels = List.copyOf(channels);
      if (after.toMinutes() < MIN_AFTER_MINUTES || after.toMinutes() > MAX_AFTER_MINUTES
          || !after.equals(Duration.ofMinutes(after.toMinutes()))) {
        throw invalid(AFTER_MINUTES, "must be whole minutes from " + MIN_AFTER_MINUTES + " to " + MAX_AFTER_MINUTES);
      }
      if (channels.isEmpty() || channels.size() > MAX_CHANNELS) {
        throw invalid(CHANNELS, "must name 1 to " + MAX_CHANNELS + " channels");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < channels.size(); i++) {
        String c = channels.get(i);
        if (!CHANNEL_ID.matcher(c).matches()) {
          throw invalid(CHANNELS + "[" + i + "]", "must be a channel id: 1 to 64 of a-z, 0-9 and -");
        }
        if (!seen.add(c)) {
          throw invalid(CHANNELS + "[" + i + "]", "repeats channel " + c);
        }
      }
    }

    /** The step's {@code afterMinutes}. */
    public long afterMinutes() {
      return after.toMinutes();
    }
  }

  /** Validates every component. */
  public NotifySettings {
    Objects.requireNonNull(remindEvery, "remindEvery");
    escalation = List.copyOf(escalation);
    remindEvery.ifPresent(
        r -> {
          if (r.toSeconds() < MIN_REMIND_SECONDS || r.toSeconds() > MAX_REMIND_SECONDS
              || !r.equals(Duration.ofSeconds(r.toSeconds()))) {
            throw invalid(REMIND_EVERY, remindRange());
          }
        });
    if (escalation.size() > MAX_STEPS) {
      throw invalid(ESCALATION, "must have at most " + MAX_STEPS + " steps");
    }
    for (int i = 1; i < escalation.size(); i++) {
      if (escalation.get(i).after().compareTo(escalation.get(i - 1).after()) <= 0) {
        throw invalid(ESCALATION + "[" + i + "]." + AFTER_MINUTES,
            "must be greater than the previous step's (" + escalation.get(i - 1).afterMinutes() + ")");
      }
    }
  }

  /** Whether these settings send nothing ever. */
  public boolean isNone() {
    return remindEvery.isEmpty() && escalation.isEmpty();
  }

  /**
   * Reads the JSON object; {@code null} JSON values count as absent.
   *
   * @throws Invalid naming every bad field ({@code remindEverySeconds}, {@code escalation[1].afterMinutes},
   *     {@code escalation[0].channels[2]}, …), relative to the notify object
   */
  public static NotifySettings fromJson(JsonNode node) {
    List<Problem> problems = new ArrayList<>();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NONE;
    }
    if (!node.isObject()) {
      throw new Invalid(List.of(new Problem("", "must be an object")));
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals(REMIND_EVERY) && !name.equals(ESCALATION)) {
        problems.add(new Problem(name, "is not a known field; known fields: " + REMIND_EVERY + ", " + ESCALATION));
      }
    }
    Optional<Duration> remind = Optional.empty();
    JsonNode r = node.get(REMIND_EVERY);
    if (r != null && !r.isNull()) {
      if (!r.isIntegralNumber() || !r.canConvertToLong()) {
        problems.add(new Problem(REMIND_EVERY, "must be an integer: " + remindRange()));
      } else if (r.asLong() != 0) {
        if (r.asLong() < MIN_REMIND_SECONDS || r.asLong() > MAX_REMIND_SECONDS) {
          problems.add(new Problem(REMIND_EVERY, remindRange()));
        } else {
          remind = Optional.of(Duration.ofSeconds(r.asLong()));
        }
      }
    }
    List<Step> steps = new ArrayList<>();
    JsonNode e = node.get(ESCALATION);
    if (e != null && !e.isNull()) {
      if (!e.isArray()) {
        problems.add(new Problem(ESCALATION, "must be an array of {" + AFTER_MINUTES + ", " + CHANNELS + "}"));
      } else if (e.size() > MAX_STEPS) {
        problems.add(new Problem(ESCALATION, "must have at most " + MAX_STEPS + " steps"));
      } else {
        for (int i = 0; i < e.size(); i++) {
          step(e.get(i), ESCALATION + "[" + i + "]", problems).ifPresent(steps::add);
        }
      }
    }
    if (problems.isEmpty()) {
      try {
        return new NotifySettings(remind, steps);
      } catch (Invalid invalid) {
        problems.addAll(invalid.problems());
      }
    }
    throw new Invalid(problems);
  }

  /** Reads the JSON text, e.g. a {@code jsonb} column's value. */
  public static NotifySettings fromJson(String json) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new Invalid(List.of(new Problem("", "is not JSON: " + e.getOriginalMessage())));
    }
    return fromJson(node);
  }

  private static Optional<Step> step(JsonNode s, String path, List<Problem> problems) {
    if (!s.isObject()) {
      problems.add(new Problem(path, "must be an object {" + AFTER_MINUTES + ", " + CHANNELS + "}"));
      return Optional.empty();
    }
    int before = problems.size();
    Iterator<String> names = s.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals(AFTER_MINUTES) && !name.equals(CHANNELS)) {
        problems.add(new Problem(path + "." + name, "is not a known field; known fields: " + AFTER_MINUTES + ", " + CHANNELS));
      }
    }
    JsonNode a = s.get(AFTER_MINUTES);
    long after = 0;
    String afterRange = "must be an integer from " + MIN_AFTER_MINUTES + " to " + MAX_AFTER_MINUTES;
    if (a == null || a.isNull()) {
      problems.add(new Problem(path + "." + AFTER_MINUTES, "is required: " + afterRange));
    } else if (!a.isIntegralNumber() || !a.canConvertToLong()
        || a.asLong() < MIN_AFTER_MINUTES || a.asLong() > MAX_AFTER_MINUTES) {
      problems.add(new Problem(path + "." + AFTER_MINUTES, afterRange));
    } else {
      after = a.asLong();
    }
    List<String> channels = new ArrayList<>();
    JsonNode c = s.get(CHANNELS);
    if (c == null || c.isNull() || !c.isArray() || c.isEmpty() || c.size() > MAX_CHANNELS) {
      problems.add(new Problem(path + "." + CHANNELS, "must be an array of 1 to " + MAX_CHANNELS + " channel ids"));
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < c.size(); i++) {
        String p = path + "." + CHANNELS + "[" + i + "]";
        JsonNode id = c.get(i);
        if (!id.isTextual() || !CHANNEL_ID.matcher(id.asText()).matches()) {
          problems.add(new Problem(p, "must be a channel id: 1 to 64 of a-z, 0-9 and -"));
        } else if (!seen.add(id.asText())) {
          problems.add(new Problem(p, "repeats channel " + id.asText()));
        } else {
          channels.add(id.asText());
        }
      }
    }
    return problems.size() == before ? Optional.of(new Step(Duration.ofMinutes(after), channels)) : Optional.empty();
  }

  /** The JSON object {@link #fromJson(JsonNode)} reads back as these settings; {@code {}} for {@link #NONE}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    remindEvery.ifPresent(r -> o.put(REMIND_EVERY, r.toSeconds()));
    if (!escalation.isEmpty()) {
      ArrayNode steps = o.putArray(ESCALATION);
      for (Step s : escalation) {
        ObjectNode step = steps.addObject();
        step.put(AFTER_MINUTES, s.afterMinutes());
        ArrayNode ids = step.putArray(CHANNELS);
        s.channels().forEach(ids::add);
      }
    }
    return o;
  }

  /** Every channel id the escalation names, without repeats, in step order. */
  public List<String> channelIds() {
    return escalation.stream().flatMap(s -> s.channels().stream()).distinct().toList();
  }

  private static String remindRange() {
    return "must be 0 (off) or from " + MIN_REMIND_SECONDS + " to " + MAX_REMIND_SECONDS + " seconds";
  }

  private static Invalid invalid(String field, String message) {
    return new Invalid(List.of(new Problem(field, message)));
  }

  /**
   * One bad field and what is wrong, in words for the user; never repeats a secret (there is none
   * in these settings).
   *
   * @param field the path relative to the notify object, e.g. {@code escalation[1].afterMinutes};
   *     empty for the object itself
   * @param message what is wrong and what is accepted
   */
  public record Problem(String field, String message) {
    /** Both non-null. */
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Settings that cannot be accepted; {@link #problems()} names every bad field. */
  public static final class Invalid extends WebmonException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    Invalid(List<Problem> problems) {
      super(summary(problems));
      this.problems = List.copyOf(problems);
    }

    /** Every bad field, at least one. */
    public List<Problem> problems() {
      return problems;
    }

    private static String summary(List<Problem> problems) {
      StringBuilder b = new StringBuilder("invalid notify settings: ");
      for (int i = 0; i < problems.size(); i++) {
        Problem p = problems.get(i);
        b.append(i == 0 ? "" : "; ").append(p.field().isEmpty() ? "notify" : p.field()).append(' ').append(p.message());
      }
      return b.toString();
    }
  }
}
