package dev.webmon.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** The JSON mapping of {@link MaintenanceWindow}, by hand: see {@code docs/events.md}. Stateless. */
final class MaintenanceJson {
  private static final String[] REQUIRED = {"v", "id", "version", "title", "scope", "schedule", "updatedAt"};

  /** The schedule fields, by bit; {@link #USES} says which type uses which. */
  private static final String[] SCHEDULE_FIELDS = {"type", "start", "end", "days", "at", "day", "cron", "duration", "zone"};

  private static final int F_TYPE = 0;
  private static final int F_START = 1;
  private static final int F_END = 2;
  private static final int F_DAYS = 3;
  private static final int F_AT = 4;
  private static final int F_DAY = 5;
  private static final int F_CRON = 6;
  private static final int F_DURATION = 7;
  private static final int F_ZONE = 8;

  private MaintenanceJson() {}

  /** The wire names of the schedule types. */
  enum Type {
    ONCE(bits(F_START, F_END)),
    WEEKLY(bits(F_DAYS, F_AT, F_DURATION, F_ZONE)),
    MONTHLY(bits(F_DAY, F_AT, F_DURATION, F_ZONE)),
    CRON(bits(F_CRON, F_DURATION, F_ZONE));

    final int uses;

    Type(int uses) {
      this.uses = uses;
    }

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static int bits(int... bits) {
    int v = 1 << F_TYPE;
    for (int b : bits) {
      v |= 1 << b;
    }
    return v;
  }

  static void write(MaintenanceWindow w, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField(SchemaVersion.FIELD, SchemaVersion.CURRENT);
    g.writeStringField("id", w.id().toString());
    g.writeNumberField("version", w.version());
    g.writeStringField("title", w.title());
    if (!w.description().isEmpty()) {
      g.writeStringField("description", w.description());
    }
    g.writeObjectFieldStart("scope");
    if (w.scope().all()) {
      g.writeBooleanField("all", true);
    }
    strings(g, "targets", w.scope().targetIds());
    strings(g, "tags", w.scope().tags());
    g.writeEndObject();
    g.writeObjectFieldStart("schedule");
    switch (w.schedule()) {
      case MaintenanceSchedule.Once o -> {
        g.writeStringField("type", Type.ONCE.wire());
        g.writeStringField("start", Instants.format(o.start()));
        g.writeStringField("end", Instants.format(o.end()));
      }
      case MaintenanceSchedule.Weekly wk -> {
        g.writeStringField("type", Type.WEEKLY.wire());
        g.writeArrayFieldStart("days");
        for (DayOfWeek d : EnumSet.copyOf(wk.days())) {
          g.writeString(d.name().substring(0, 3));
        }
        g.writeEndArray();
        g.writeStringField("at", wk.at().toString());
        recurring(g, wk.duration(), wk.zone());
      }
      case MaintenanceSchedule.Monthly m -> {
        g.writeStringField("type", Type.MONTHLY.wire());
        g.writeNumberField("day", m.day());
        g.writeStringField("at", m.at().toString());
        recurring(g, m.duration(), m.zone());
      }
      case MaintenanceSchedule.Cron c -> {
        g.writeStringField("type", Type.CRON.wire());
        g.writeStringField("cron", c.expression());
        recurring(g, c.duration(), c.zone());
      }
    }
    g.writeEndObject();
    g.writeStringField("updatedAt", Instants.format(w.updatedAt()));
    g.writeEndObject();
  }

  private static void recurring(JsonGenerator g, Duration d, ZoneId zone) throws IOException {
    g.writeStringField("duration", d.toString());
    g.writeStringField("zone", zone.getId());
  }

  private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** As {@link TargetJson#read}. */
  static MaintenanceWindow read(JsonParser p, int seen, EventCodec.EndCheck end) throws IOException {
    UUID id = null;
    long version = 0;
    String title = null;
    String description = "";
    MaintenanceScope scope = null;
    MaintenanceSchedule schedule = null;
    Instant updatedAt = null;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          seen = JsonFields.mark(seen, 0, field);
          SchemaVersion.check(p);
        }
        case "id" -> {
          seen = JsonFields.mark(seen, 1, field);
          id = JsonFields.uuid(p, field);
        }
        case "version" -> {
          seen = JsonFields.mark(seen, 2, field);
          version = JsonFields.int64(p, field);
        }
        case "title" -> {
          seen = JsonFields.mark(seen, 3, field);
          title = JsonFields.string(p, field);
        }
        case "scope" -> {
          seen = JsonFields.mark(seen, 4, field);
          scope = readScope(p);
        }
        case "schedule" -> {
          seen = JsonFields.mark(seen, 5, field);
          schedule = readSchedule(p);
        }
        case "updatedAt" -> {
          seen = JsonFields.mark(seen, 6, field);
          updatedAt = JsonFields.instant(p, field);
        }
        case "description" -> {
          seen = JsonFields.mark(seen, 7, field);
          description = JsonFields.string(p, field);
        }
        default -> unknown = Unknown.skip(p, field, unknown);
      }
    }
    end.check(p);
    JsonFields.requireAll(seen, REQUIRED);
    return new MaintenanceWindow(id, version, title, description, scope, schedule, updatedAt);
  }

  private static MaintenanceScope readScope(JsonParser p) throws IOException {
    JsonFields.startObject(p, "scope");
    boolean all = false;
    List<String> targets = List.of();
    List<String> tags = List.of();
    int seen = 0;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      String path = "scope." + field;
      p.nextToken();
      switch (field) {
        case "all" -> {
          seen = JsonFields.mark(seen, 0, path);
          JsonToken t = p.currentToken();
          if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw JsonFields.wrongType(path, "a boolean", t);
          }
          all = t == JsonToken.VALUE_TRUE;
        }
        case "targets" -> {
          seen = JsonFields.mark(seen, 1, path);
          targets = JsonFields.strings(p, path, MaintenanceScope.MAX_TARGETS);
        }
        case "tags" -> {
          seen = JsonFields.mark(seen, 2, path);
          tags = JsonFields.strings(p, path, MaintenanceScope.MAX_TARGETS);
        }
        default -> unknown = Unknown.skip(p, path, unknown);
      }
    }
    return new MaintenanceScope(all, targets, tags);
  }



  private static MaintenanceSchedule readSchedule(JsonParser p) throws IOException {
    JsonFields.startObject(p, "schedule");
    Type type = null;
    Instant start = null;
    Instant end = null;
    Set<DayOfWeek> days = null;
    LocalTime at = null;
    int day = 0;
    String cron = null;
    Duration duration = null;
    ZoneId zone = null;
    int seen = 0;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      String path = "schedule." + field;
      p.nextToken();
      switch (field) {
        case "type" -> {
          seen = JsonFields.mark(seen, F_TYPE, path);
          type = type(JsonFields.string(p, path));
        }
        case "start" -> {
          seen = JsonFields.mark(seen, F_START, path);
          start = JsonFields.instant(p, path);
        }
        case "end" -> {
          seen = JsonFields.mark(seen, F_END, path);
          end = JsonFields.instant(p, path);
        }
        case "days" -> {
          seen = JsonFields.mark(seen, F_DAYS, path);
          days = days(p, path);
        }
        case "at" -> {
          seen = JsonFields.mark(seen, F_AT, path);
          at = time(JsonFields.string(p, path), path);
        }
        case "day" -> {
          seen = JsonFields.mark(seen, F_DAY, path);
          day = JsonFields.int32(p, path);
        }
        case "cron" -> {
          seen = JsonFields.mark(seen, F_CRON, path);
          cron = JsonFields.string(p, path);
        }
        case "duration" -> {
          seen = JsonFields.mark(seen, F_DURATION, path);
          duration = JsonFields.duration(p, path);
        }
        case "zone" -> {
          seen = JsonFields.mark(seen, F_ZONE, path);
          zone = MaintenanceSchedule.zone(JsonFields.string(p, path), path);
        }
        default -> unknown = Unknown.skip(p, path, unknown);
      }
    }
    if (type == null) {
      throw new DecodeException(DecodeError.MISSING_FIELD, "schedule.type", "is required");
    }
    for (int bit = 1; bit < SCHEDULE_FIELDS.length; bit++) {
      boolean present = (seen & (1 << bit)) != 0;
      boolean used = (type.uses & (1 << bit)) != 0;
      String path = "schedule." + SCHEDULE_FIELDS[bit];
      if (present && !used) {
        throw JsonFields.invalid(path, "does not apply to a " + type.wire() + " schedule");
      }
      if (used && !present) {
        throw new DecodeException(DecodeError.MISSING_FIELD, path, "is required for a " + type.wire() + " schedule");
      }
    }
    return switch (type) {
      case ONCE -> new MaintenanceSchedule.Once(start, end);
      case WEEKLY -> new MaintenanceSchedule.Weekly(days, at, duration, zone);
      case MONTHLY -> new MaintenanceSchedule.Monthly(day, at, duration, zone);
      case CRON -> new MaintenanceSchedule.Cron(cron, duration, zone);
    };
  }

  private static Type type(String text) {
    for (Type t : Type.values()) {
      if (t.wire().equals(text)) {
        return t;
      }
    }
    throw JsonFields.invalid("schedule.type", "is not one of once, weekly, monthly, cron");
  }

  private static Set<DayOfWeek> days(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw JsonFields.wrongType(field, "an array", p.currentToken());
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    int i = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      String path = field + "[" + i + "]";
      if (t != JsonToken.VALUE_STRING) {
        throw JsonFields.wrongType(path, "a string", t);
      }
      DayOfWeek d = day(p.getText());
      if (d == null) {
        throw JsonFields.invalid(path, "is not one of MON, TUE, WED, THU, FRI, SAT, SUN");
      }
      if (!days.add(d)) {
        throw JsonFields.invalid(path, "duplicates an earlier day");
      }
      i++;
    }
    return days;
  }

  /** {@code MON} … {@code SUN}, or null. */
  static DayOfWeek day(String text) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().substring(0, 3).equals(text)) {
        return d;
      }
    }
    return null;
  }

  /** {@code HH:mm}, 00:00–23:59. */
  static LocalTime time(String text, String field) {
    if (text.length() == 5 && text.charAt(2) == ':') {
      int h = digits(text, 0);
      int m = digits(text, 3);
      if (h >= 0 && h < 24 && m >= 0 && m < 60) {
        return LocalTime.of(h, m);
      }
    }
    throw JsonFields.invalid(field, "must be a local time HH:mm (00:00 to 23:59)");
  }

  private static int digits(String s, int at) {
    char a = s.charAt(at);
    char b = s.charAt(at + 1);
    if (a < '0' || a > '9' || b < '0' || b > '9') {
      return -1;
    }
    return (a - '0') * 10 + (b - '0');
  }
}
