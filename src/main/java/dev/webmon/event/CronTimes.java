package dev.webmon.event;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.webmon.Text;
import java.util.concurrent.ConcurrentHashMap;

/** Parses five-field Unix cron expressions (cron-utils), keeping the parsed ones: few exist. */
final class CronTimes {
  private static final int MAX_CACHED = 1024;
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final ConcurrentHashMap<String, ExecutionTime> PARSED = new ConcurrentHashMap<>();

  private CronTimes() {}

  /** The execution times of {@code expression}; throws {@link InvalidEventException} if invalid. */
  static ExecutionTime parse(String expression) {
    ExecutionTime cached = PARSED.get(expression);
    if (cached != null) {
      return cached;
    }
    ExecutionTime parsed;
    try {
      parsed = ExecutionTime.forCron(PARSER.parse(expression).validate());
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(
          "schedule.cron",
          "is not a five-field cron expression (minute hour day-of-month month day-of-week): "
              + Text.clip(String.valueOf(e.getMessage()), 200));
    }
    if (PARSED.size() >= MAX_CACHED) {
      PARSED.clear();
    }
    PARSED.put(expression, parsed);
    return parsed;
  }
}
