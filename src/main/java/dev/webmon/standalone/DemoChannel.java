package dev.webmon.standalone;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.Jdbc;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The notification channel of {@code standalone --demo}: a default webhook to the demo inbox. */
final class DemoChannel {
  static final String ID = "demo-inbox";

  private DemoChannel() {}

  /**
   * The default webhook channel {@code demo-inbox} to the demo inbox, created once and kept as the
   * user edits it; its URL (the demo server's port changes at each start) and signing secret are
   * set again at each start. A user who changed its type keeps the change.
   */
  static void createOrRefresh(HikariDataSource pool, DemoServer demo) {
    ChannelWrites channels = new ChannelWrites();
    Jdbc.transaction(
        pool,
        c -> {
          Instant now = Instant.now();
          Optional<ChannelWrites.Row> stored = channels.find(c, ID);
          if (stored.isEmpty()) {
            ObjectNode none = JsonNodeFactory.instance.objectNode();
            channels.insert(
                c,
                new ChannelWrites.Row(
                    ID, "webhook", "Demo inbox (local)", true, "certificate", true, List.of(), List.of(), none,
                    demoSecrets(demo, none), none, 1, now));
          } else if (stored.get().type().equals("webhook")) {
            ChannelWrites.Row r = stored.get();
            channels.update(
                c,
                new ChannelWrites.Row(
                    r.id(), r.type(), r.name(), r.isDefault(), r.minSeverity(), r.sendResolved(), r.routePolicies(),
                    r.routeTags(), r.settings(), demoSecrets(demo, r.secrets()), r.templates(), r.version(), now),
                r.version());
          }
          return null;
        });
  }

  private static ObjectNode demoSecrets(DemoServer demo, ObjectNode secrets) {
    ObjectNode s = secrets.deepCopy();
    s.put("url", demo.inboxUrl().toString());
    s.put("secret", demo.inboxSecret().reveal());
    return s;
  }
}
