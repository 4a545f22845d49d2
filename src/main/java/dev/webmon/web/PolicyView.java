package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.notifier.NotifySettings;
import java.util.LinkedHashMap;
import java.util.Map;

/** An alert policy as the API returns it: name, version, tags, the fields it sets, notify, updatedAt. */
final class PolicyView {
  private PolicyView() {}

  static Map<String, Object> of(AlertPolicySpec p, NotifySettings notify) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("version", p.version());
    m.put("tags", p.tags());
    m.putAll(AlertFields.view(p.fields()));
    m.put("notify", notify.toJson());
    m.put("updatedAt", p.updatedAt());
    return m;
  }
}
