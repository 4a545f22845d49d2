package dev.webmon.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.webmon.event.TargetSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target as the API returns it: the fields of {@link TargetRequest} plus id, version and times.
 * Values of sensitive headers (credentials, cookies, keys) and the request body are shown as {@link
 * TargetValidator#MASK}; sending the mask back in a PUT keeps the stored value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TargetView(
    String id,
    long version,
    String name,
    String url,
    long intervalSeconds,
    String regex,
    String mustNotMatch,
    String expectedStatus,
    String method,
    Map<String, String> headers,
    String body,
    double timeoutSeconds,
    int maxRedirects,
    List<String> tags,
    String alertPolicy,
    Map<String, Object> alertOverrides,
    Instant createdAt,
    Instant updatedAt) {

  static TargetView of(TargetSpec s, Instant createdAt) {
    return new TargetView(
        s.id(),
        s.version(),
        s.name(),
        s.url().toString(),
        s.interval().toSeconds(),
        s.mustMatch().orElse(null),
        s.mustNotMatch().orElse(null),
        s.expectedStatus().format(),
        s.method(),
        TargetValidator.masked(s.headers()),
        TargetValidator.maskedBody(s.body()).orElse(null),
        s.timeout().toMillis() / 1000.0,
        s.maxRedirects(),
        s.tags(),
        s.alertPolicy().orElse(null),
        s.alertOverrides().isEmpty() ? null : AlertFields.view(s.alertOverrides()),
        createdAt,
        s.updatedAt());
  }

  /** The config-as-code form of a target (YAML export): request fields only, real header values. */
  static Map<String, Object> exportEntry(TargetSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("url", s.url().toString());
    m.put("intervalSeconds", s.interval().toSeconds());
    s.mustMatch().ifPresent(v -> m.put("regex", v));
    s.mustNotMatch().ifPresent(v -> m.put("mustNotMatch", v));
    m.put("expectedStatus", s.expectedStatus().format());
    m.put("method", s.method());
    if (!s.headers().isEmpty()) {
      m.put("headers", s.headers());
    }
    s.body().ifPresent(v -> m.put("body", v));
    m.put("timeoutSeconds", s.timeout().toMillis() / 1000.0);
    m.put("maxRedirects", s.maxRedirects());
    if (!s.tags().isEmpty()) {
      m.put("tags", s.tags());
    }
    s.alertPolicy().ifPresent(v -> m.put("alertPolicy", v));
    if (!s.alertOverrides().isEmpty()) {
      m.put("alertOverrides", AlertFields.view(s.alertOverrides()));
    }
    return m;
  }
}
