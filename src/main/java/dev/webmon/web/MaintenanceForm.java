package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The maintenance window form ({@code maintenance_form.peb}, as {@code form}): its inputs are named
 * by the API's field paths ({@code schedule.cron} …) so that an error of the event contract lands
 * next to its input; {@link #toJson} turns the submitted form into the API's body (a one-off
 * window's local start and end are read in the zone given). The preview lists the next
 * occurrences. Immutable.
 *
 * @param id the edited window's id, or "" when adding
 * @param version the version the edit started from (sent back as If-Match), or "" when adding
 */
record MaintenanceForm(
    String title,
    boolean editing,
    String id,
    String version,
    String action,
    Map<String, String> values,
    List<DayBox> days,
    Map<String, String> errors,
    List<FieldError> errorList,
    String banner,
    List<Preview> preview) {

  static final List<String> INPUTS =
      List.of(
          "title", "description", "scope", "scope.all", "scope.targets", "scope.tags", "schedule", "schedule.type",
          "schedule.zone", "schedule.start", "schedule.end", "schedule.days", "schedule.at", "schedule.day", "schedule.cron",
          "schedule.duration");

  static final List<String> TYPES = List.of("once", "weekly", "monthly", "cron");

  /** The zone ids a zone input suggests (its datalist). */
  static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()));

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT);

  /** A day checkbox of a weekly schedule. */
  record DayBox(String code, String label, boolean checked) {}

  /** An occurrence of the preview: UTC and the window's zone. */
  record Preview(String start, String end, String local) {}

  MaintenanceForm {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    days = List.copyOf(days);
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    errorList = List.copyOf(errorList);
    preview = List.copyOf(preview);
  }

  public List<String> types() {
    return TYPES;
  }

  public List<String> zones() {
    return ZONES;
  }

  static MaintenanceForm adding(Map<String, List<String>> submitted, List<FieldError> errors, String banner, List<Preview> preview) {
    return new MaintenanceForm(
        "Add a maintenance window", false, "", "", "/maintenance", complete(first(submitted)), days(submitted.getOrDefault("schedule.days", List.of())),
        byInput(errors), errors, banner, preview);
  }

  static MaintenanceForm editing(MaintenanceWindow stored, Instant now) {
    Map<String, List<String>> v = new LinkedHashMap<>();
    v.put("title", List.of(stored.title()));
    v.put("description", List.of(stored.description()));
    if (stored.scope().all()) {
      v.put("scope.all", List.of("true"));
    }
    v.put("scope.targets", List.of(String.join(", ", stored.scope().targetIds())));
    v.put("scope.tags", List.of(String.join(", ", stored.scope().tags())));
    switch (stored.schedule()) {
      case MaintenanceSchedule.Once o -> {
        v.put("schedule.type", List.of("once"));
        v.put("schedule.zone", List.of("UTC"));
        v.put("schedule.start", List.of(LOCAL.format(o.start().atOffset(ZoneOffset.UTC))));
        v.put("schedule.end", List.of(LOCAL.format(o.end().atOffset(ZoneOffset.UTC))));
      }
      case MaintenanceSchedule.Weekly w -> {
        v.put("schedule.type", List.of("weekly"));
        v.put("schedule.days", EnumSet.copyOf(w.days()).stream().map(d -> d.name().substring(0, 3)).toList());
        recurring(v, w.at().toString(), w.duration().toMinutes(), w.zone());
      }
      case MaintenanceSchedule.Monthly m -> {
        v.put("schedule.type", List.of("monthly"));
        v.put("schedule.day", List.of(Integer.toString(m.day())));
        recurring(v, m.at().toString(), m.duration().toMinutes(), m.zone());
      }
      case MaintenanceSchedule.Cron c -> {
        v.put("schedule.type", List.of("cron"));
        v.put("schedule.cron", List.of(c.expression()));
        recurring(v, "", c.duration().toMinutes(), c.zone());
      }
    }
    return editing(stored, v, List.of(), "", preview(stored, now));
  }

  static MaintenanceForm editing(
      MaintenanceWindow stored, Map<String, List<String>> submitted, List<FieldError> errors, String banner, List<Preview> preview) {
    return new MaintenanceForm(
        "Edit maintenance window", true, stored.id().toString(), Long.toString(stored.version()), "/maintenance/" + stored.id(),
        complete(first(submitted)), days(submitted.getOrDefault("schedule.days", List.of())), byInput(errors), errors, banner, preview);
  }

  /** The next occurrences of a window (the one in effect first, if any). */
  static List<Preview> preview(MaintenanceWindow w, Instant now) {
    String zone = StatusMaintenance.zone(w.schedule());
    return MaintenanceView.next(w, now).stream()
        .map(o -> new StatusMaintenance.Shown(w.title(), w.description(), o.start(), o.end(), zone, o.covers(now)))
        .map(s -> new Preview(s.startText(), s.endText(), s.localText()))
        .toList();
  }

  private static void recurring(Map<String, List<String>> v, String at, long minutes, ZoneId zone) {
    v.put("schedule.at", List.of(at));
    v.put("schedule.duration", List.of(Long.toString(minutes)));
    v.put("schedule.zone", List.of(zone.getId()));
  }

  /**
   * The API body the submitted form describes.
   *
   * @throws ValidationException for an input the form itself cannot read (a date, a number, a zone)
   */
  static JsonNode toJson(Map<String, List<String>> form) {
    Map<String, String> v = first(form);
    List<FieldError> errors = new ArrayList<>();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("title", v.getOrDefault("title", "").strip());
    body.put("description", v.getOrDefault("description", "").strip().replace("\r\n", "\n"));
    ObjectNode scope = body.putObject("scope");
    if (v.containsKey("scope.all")) {
      scope.put("all", true);
    }
    list(scope, "targets", v.getOrDefault("scope.targets", ""));
    list(scope, "tags", v.getOrDefault("scope.tags", ""));
    ObjectNode schedule = body.putObject("schedule");
    String type = v.getOrDefault("schedule.type", "");
    schedule.put("type", type);
    String zoneText = v.getOrDefault("schedule.zone", "").strip();
    switch (type) {
      case "once" -> {
        ZoneId zone = zone(zoneText.isEmpty() ? "UTC" : zoneText, errors);
        instant(schedule, "start", v, zone, errors);
        instant(schedule, "end", v, zone, errors);
      }
      case "weekly", "monthly", "cron" -> {
        if (type.equals("weekly")) {
          ArrayNode days = schedule.putArray("days");
          form.getOrDefault("schedule.days", List.of()).forEach(days::add);
        } else if (type.equals("monthly")) {
          number(schedule, "day", v, errors).ifPresent(n -> schedule.put("day", n));
        } else {
          schedule.put("cron", v.getOrDefault("schedule.cron", "").strip());
        }
        if (!type.equals("cron")) {
          schedule.put("at", v.getOrDefault("schedule.at", "").strip());
        }
        number(schedule, "duration", v, errors).ifPresent(n -> schedule.put("duration", "PT" + n + "M"));
        schedule.put("zone", zoneText.isEmpty() ? "UTC" : zoneText);
      }
      default -> {} // the contract names schedule.type
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return body;
  }

  private static void list(ObjectNode scope, String name, String text) {
    List<String> items = Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    if (!items.isEmpty()) {
      items.forEach(scope.putArray(name)::add);
    }
  }

  private static ZoneId zone(String text, List<FieldError> errors) {
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      errors.add(new FieldError("schedule.zone", "is not a time zone id (e.g. Europe/Berlin, UTC)"));
      return ZoneOffset.UTC;
    }
  }

  private static void instant(ObjectNode schedule, String name, Map<String, String> v, ZoneId zone, List<FieldError> errors) {
    String text = v.getOrDefault("schedule." + name, "").strip();
    try {
      schedule.put(name, LocalDateTime.parse(text).atZone(zone).toInstant().toString());
    } catch (DateTimeException e) {
      errors.add(new FieldError("schedule." + name, text.isEmpty() ? "is required for a one-off window" : "must be a date and time (yyyy-MM-ddTHH:mm)"));
    }
  }

  private static java.util.Optional<Integer> number(ObjectNode schedule, String name, Map<String, String> v, List<FieldError> errors) {
    String text = v.getOrDefault("schedule." + name, "").strip();
    if (text.matches("[0-9]{1,6}")) {
      return java.util.Optional.of(Integer.parseInt(text));
    }
    errors.add(new FieldError("schedule." + name, name.equals("day") ? "must be a day of the month, 1 to 31" : "must be whole minutes, e.g. 120"));
    return java.util.Optional.empty();
  }

  private static List<DayBox> days(List<String> checked) {
    Set<String> on = Set.copyOf(checked);
    List<DayBox> out = new ArrayList<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      String code = d.name().substring(0, 3);
      out.add(new DayBox(code, code.charAt(0) + code.substring(1).toLowerCase(Locale.ROOT), on.contains(code)));
    }
    return out;
  }

  private static Map<String, String> first(Map<String, List<String>> form) {
    Map<String, String> out = new LinkedHashMap<>();
    form.forEach((k, list) -> out.put(k, list.isEmpty() ? "" : list.get(0)));
    return out;
  }

  private static Map<String, String> complete(Map<String, String> submitted) {
    Map<String, String> v = new LinkedHashMap<>();
    INPUTS.forEach(k -> v.put(k, submitted.getOrDefault(k, "")));
    if (v.get("schedule.type").isEmpty()) {
      v.put("schedule.type", "once");
    }
    if (v.get("schedule.zone").isEmpty()) {
      v.put("schedule.zone", "UTC");
    }
    return v;
  }

  /** Each error under its input: {@code scope.targets[2]} under {@code scope.targets}; others stay in the list only. */
  private static Map<String, String> byInput(List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    INPUTS.forEach(k -> out.put(k, ""));
    for (FieldError e : errors) {
      String field = e.field().replaceAll("\\[[0-9]+]$", "");
      if (out.containsKey(field)) {
        out.merge(field, e.message(), (a, b) -> a.isEmpty() ? b : a + "; " + b);
      }
    }
    return out;
  }
}
