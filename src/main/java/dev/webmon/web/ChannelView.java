package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.notifier.ChannelFactory;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.DeliveryLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Channels, test answers and delivery attempts as the API returns them. Secrets are write-only:
 * a set secret shows as {@link TargetValidator#MASK}, an unset one is absent.
 */
final class ChannelView {
  private ChannelView() {}

  static Map<String, Object> of(ChannelWrites.Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("type", r.type());
    m.put("name", r.name());
    m.put("default", r.isDefault());
    m.put("minSeverity", r.minSeverity());
    m.put("sendResolved", r.sendResolved());
    m.put("routePolicies", r.routePolicies());
    m.put("routeTags", r.routeTags());
    m.put("settings", settings(r));
    m.put("templates", r.templates());
    m.put("version", r.version());
    m.put("updatedAt", r.updatedAt());
    return m;
  }

  /** Settings in form order, secrets masked. */
  static Map<String, Object> settings(ChannelWrites.Row r) {
    Map<String, Object> s = new LinkedHashMap<>();
    Set<String> secretKeys = ChannelFactory.SECRET_KEYS.getOrDefault(r.type(), Set.of());
    JsonNode plain = r.settings();
    JsonNode secret = r.secrets();
    for (ChannelFields.Field f : ChannelFields.of(r.type())) {
      if (secretKeys.contains(f.key())) {
        if (secret.has(f.key())) {
          s.put(f.key(), TargetValidator.MASK);
        }
      } else if (plain.has(f.key())) {
        s.put(f.key(), plain.get(f.key()));
      }
    }
    return s;
  }

  static Map<String, Object> test(ChannelService.TestAnswer a) {
    ChannelFactory.Outcome o = a.outcome();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channelId", a.channelId());
    m.put("at", a.at());
    m.put("outcome", o.outcome());
    if (o.httpStatus().isPresent()) {
      m.put("httpStatus", o.httpStatus().getAsInt());
    }
    o.smtpReply().ifPresent(s -> m.put("smtpReply", s));
    m.put("latencyMs", o.latency().toMillis());
    m.put("detail", o.detail());
    o.retryAfter().ifPresent(d -> m.put("retryAfterSeconds", d.toSeconds()));
    m.put("notificationId", a.notificationId());
    return m;
  }

  /** One attempt as the pages show it: every value a string. */
  record Row(
      String channelId, String channelName, String kind, int attempt, String at, String outcome, String answer,
      String latency, String nextRetry, String detail) {
    static Row of(DeliveryLog.Attempt a) {
      String answer = a.httpStatus().map(s -> "HTTP " + s).orElse(a.smtpReply().map(s -> "SMTP " + s).orElse(""));
      return new Row(
          a.channelId(), a.channelName(), a.kind(), a.attempt(), Format.utc(a.at()), a.outcome(), answer,
          a.latencyMs().map(l -> l + " ms").orElse(""), a.nextRetryAt().map(Format::utc).orElse(""), a.detail());
    }
  }

  static Map<String, Object> attempt(DeliveryLog.Attempt a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("notificationId", a.notificationId());
    m.put("channelId", a.channelId());
    m.put("channelName", a.channelName());
    m.put("channelType", a.channelType());
    m.put("kind", a.kind());
    m.put("attempt", a.attempt());
    m.put("at", a.at());
    m.put("outcome", a.outcome());
    a.httpStatus().ifPresent(s -> m.put("httpStatus", s));
    a.smtpReply().ifPresent(s -> m.put("smtpReply", s));
    a.latencyMs().ifPresent(l -> m.put("latencyMs", l));
    a.nextRetryAt().ifPresent(t -> m.put("nextRetryAt", t));
    m.put("detail", a.detail());
    return m;
  }
}
