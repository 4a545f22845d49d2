package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.check.AddressPolicy;
import dev.webmon.notifier.ChannelFactory;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.DeliveryLog;
import dev.webmon.store.IncidentReads;
import dev.webmon.store.Jdbc;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes, deletes and tests notification channels. A channel is checked in full before
 * anything is stored: the fields, its settings by the notifier's {@link ChannelFactory} (the same
 * code that sends), every URL and SMTP host against the address policy ({@code
 * check.allowed-networks}, as for targets), its templates with Pebble, and that {@code
 * routePolicies} name stored alert policies. Secrets are write-only: a change that leaves one out
 * (or sends {@link TargetValidator#MASK}) keeps the stored value. Logs name channels by id and
 * type only. Thread-safe.
 */
final class ChannelService {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelService.class);
  static final long ANY_VERSION = -1;
  static final int MAX_NAME = 200;
  static final int MAX_TEMPLATE = 16 * 1024;
  static final int MAX_ROUTES = 100;
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);
  private static final String ID = "[a-z0-9-]{1,64}";
  private static final String TAG = "[A-Za-z0-9_.:=/-]{1,64}";

  private final DataSource dataSource;
  private final ChannelWrites store;
  private final DeliveryLog log;
  private final ChannelFactory factory;
  private final AddressPolicy addresses;
  private final Clock clock;

  ChannelService(
      DataSource dataSource, ChannelWrites store, DeliveryLog log, ChannelFactory factory, AddressPolicy addresses,
      Clock clock) {
    this.dataSource = dataSource;
    this.store = store;
    this.log = log;
    this.factory = factory;
    this.addresses = addresses;
    this.clock = clock;
  }

  List<ChannelWrites.Row> all() {
    return Jdbc.read(dataSource, store::all);
  }

  Optional<ChannelWrites.Row> find(String id) {
    return Jdbc.read(dataSource, c -> store.find(c, id));
  }

  ChannelWrites.Row stored(String id) {
    return find(id).orElseThrow(() -> notFound(id));
  }

  ChannelWrites.Row create(ChannelRequest request) {
    ChannelWrites.Row row = check(request, Optional.empty());
    if (!Jdbc.transaction(dataSource, c -> store.insert(c, row))) {
      throw new ConflictException("a channel with id '" + row.id() + "' already exists; choose another id");
    }
    LOG.info("channel {} ({}) created", row.id(), row.type());
    return stored(row.id());
  }

  /** Replaces a channel if it is still at {@code seenVersion} (If-Match), or any version. */
  ChannelWrites.Row update(String id, ChannelRequest request, long seenVersion) {
    ChannelWrites.Row prev = stored(id);
    if (request.id().isPresent() && !request.id().get().equals(id)) {
      throw new ValidationException("id", "cannot be changed (the id is in every dedup key); create a new channel instead");
    }
    if (seenVersion != ANY_VERSION && seenVersion != prev.version()) {
      throw new PreconditionFailedException(
          "channel " + id + " is at version " + prev.version() + ", not " + seenVersion + "; reload it and apply your change again");
    }
    ChannelWrites.Row row = check(request, Optional.of(prev));
    if (!Jdbc.transaction(dataSource, c -> store.update(c, row, prev.version()))) {
      throw new ConflictException("channel " + id + " was changed by another request meanwhile; reload it and try again");
    }
    LOG.info("channel {} ({}) updated to version {}", id, row.type(), prev.version() + 1);
    return stored(id);
  }

  /** @throws ConflictException while an alert policy's escalation names the channel */
  void delete(String id) {
    stored(id);
    List<String> users = Jdbc.read(dataSource, c -> store.policiesEscalatingTo(c, id));
    if (!users.isEmpty()) {
      throw new ConflictException(
          "channel " + id + " is named in the escalation of alert policies " + String.join(", ", users) + "; change them first");
    }
    if (Jdbc.transaction(dataSource, c -> store.delete(c, id))) {
      LOG.info("channel {} deleted", id);
    }
  }

  /** The answer of a "Send test", as the API returns it. */
  record TestAnswer(String channelId, ChannelFactory.Outcome outcome, Instant at, long notificationId) {}

  /** Sends a test notification now, waits for the receiver's answer and logs it as a TEST delivery. */
  TestAnswer test(String id, URI webBaseUrl) {
    ChannelWrites.Row row = stored(id);
    ChannelFactory.Built built;
    try {
      built = factory.fromRow(row.type(), row.id(), row.settings(), row.secrets(), row.templates());
    } catch (ChannelFactory.InvalidChannelException e) {
      throw new ValidationException(apiField(e.field()), e.getMessage());
    }
    Instant at = now();
    ChannelFactory.Outcome o = built.sendTest(webBaseUrl);
    String outcome = o.outcome().equals("failed") && o.detail().contains("address refused") ? "refused" : o.outcome();
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("kind", "TEST").put("channelId", id);
    DeliveryLog.Test t =
        new DeliveryLog.Test(
            id, payload.toString(), at, o.outcome().equals("delivered"),
            // a test is not queued: a retryable answer is logged as failed, its detail says why
            outcome.equals("retry") ? "failed" : outcome,
            o.httpStatus().isPresent() ? Optional.of(o.httpStatus().getAsInt()) : Optional.empty(),
            o.smtpReply(), (int) Math.min(Integer.MAX_VALUE, o.latency().toMillis()), o.detail());
    long nid = Jdbc.transaction(dataSource, c -> log.recordTest(c, t));
    LOG.info("channel {}: test notification {}: {}", id, o.outcome(), o.detail());
    return new TestAnswer(id, o, at, nid);
  }

  /** Checks a request in full (merged over {@code prev}'s secrets) into the row to store. */
  private ChannelWrites.Row check(ChannelRequest r, Optional<ChannelWrites.Row> prev) {
    List<FieldError> errors = new ArrayList<>(r.errors());
    String id = prev.map(ChannelWrites.Row::id).orElseGet(() -> r.id().orElseGet(() -> slug(r.name().orElse(""))));
    if (prev.isEmpty() && !id.matches(ID)) {
      errors.add(new FieldError("id", "must be 1-64 characters of a-z, 0-9 and - (or leave it out to derive it from the name)"));
    }
    String type = r.type().orElse("");
    if (r.type().isEmpty()) {
      errors.add(new FieldError("type", "is required: one of " + String.join(", ", ChannelFields.TYPES)));
    } else if (!ChannelFields.TYPES.contains(type)) {
      errors.add(new FieldError("type", "must be one of " + String.join(", ", ChannelFields.TYPES)));
    }
    String name = r.name().map(String::strip).orElse("");
    if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError("name", "is required: 1-" + MAX_NAME + " characters without control characters"));
    }
    if (!IncidentReads.SEVERITIES.contains(r.minSeverity())) {
      errors.add(new FieldError("minSeverity", "must be one of " + String.join(", ", IncidentReads.SEVERITIES)));
    }
    routes(r, errors);
    ObjectNode settings = JsonNodeFactory.instance.objectNode();
    ObjectNode secrets = JsonNodeFactory.instance.objectNode();
    if (ChannelFields.TYPES.contains(type)) {
      split(r, type, prev, settings, secrets, errors);
    }
    for (String part : List.of("subject", "body")) {
      JsonNode t = r.templates().get(part);
      if (t != null && t.isTextual() && t.asText().length() > MAX_TEMPLATE) {
        errors.add(new FieldError("templates." + part, "must be at most " + MAX_TEMPLATE + " characters"));
      }
    }
    ObjectNode templates = JsonNodeFactory.instance.objectNode();
    r.templates().properties().forEach(e -> {
      if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
        templates.put(e.getKey(), e.getValue().asText());
      }
    });
    if (errors.isEmpty()) {
      try {
        factory.fromRow(type, id, settings, secrets, templates);
      } catch (ChannelFactory.InvalidChannelException e) {
        errors.add(new FieldError(apiField(e.field()), e.getMessage()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new ChannelWrites.Row(
        id, type, name, r.isDefault(), r.minSeverity(), r.sendResolved(), r.routePolicies(), r.routeTags(), settings,
        secrets, templates, prev.map(ChannelWrites.Row::version).orElse(1L), now());
  }

  private void routes(ChannelRequest r, List<FieldError> errors) {
    if (r.routePolicies().size() > MAX_ROUTES) {
      errors.add(new FieldError("routePolicies", "must name at most " + MAX_ROUTES + " policies"));
    }
    if (r.routeTags().size() > MAX_ROUTES) {
      errors.add(new FieldError("routeTags", "must name at most " + MAX_ROUTES + " tags"));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < r.routePolicies().size(); i++) {
      String p = r.routePolicies().get(i);
      if (!p.matches("[a-z0-9_-]{1,64}")) {
        errors.add(new FieldError("routePolicies[" + i + "]", "must be an alert policy's name"));
      } else {
        names.add(p);
      }
    }
    if (!names.isEmpty()) {
      for (String missing : Jdbc.read(dataSource, c -> store.missingPolicies(c, names))) {
        errors.add(new FieldError("routePolicies[" + names.indexOf(missing) + "]", "no alert policy named '" + missing + "'"));
      }
    }
    for (int i = 0; i < r.routeTags().size(); i++) {
      if (!r.routeTags().get(i).matches(TAG)) {
        errors.add(new FieldError("routeTags[" + i + "]", "must be 1-64 characters of A-Z, a-z, 0-9 and _ - . : = /"));
      }
    }
  }

  /** Splits the sent settings into plain ones and secrets, keeping stored secrets not re-sent. */
  private void split(
      ChannelRequest r, String type, Optional<ChannelWrites.Row> prev, ObjectNode settings, ObjectNode secrets,
      List<FieldError> errors) {
    Set<String> secretKeys = ChannelFactory.SECRET_KEYS.getOrDefault(type, Set.of());
    r.settings().properties().forEach(e -> {
      String key = e.getKey();
      String field = "settings." + key;
      JsonNode v = e.getValue();
      if (ChannelFields.field(type, key).isEmpty()) {
        errors.add(new FieldError(field, "is not a setting of " + type + " channels; settings: "
            + String.join(", ", ChannelFields.of(type).stream().map(ChannelFields.Field::key).toList())));
      } else if (secretKeys.contains(key)) {
        if (v.isTextual() && v.asText().equals(TargetValidator.MASK)) {
          if (prev.isEmpty() || !prev.get().type().equals(type) || !prev.get().secrets().has(key)) {
            errors.add(new FieldError(field, "enter the value (" + TargetValidator.MASK + " only keeps a stored value)"));
          }
        } else if (!v.isNull()) {
          secrets.set(key, v);
        }
      } else if (!v.isNull()) {
        settings.set(key, v);
      }
    });
    if (prev.isPresent() && prev.get().type().equals(type)) {
      ObjectNode stored = prev.get().secrets();
      for (String key : secretKeys) {
        JsonNode sent = r.settings().get(key);
        boolean keep = sent == null || sent.isTextual() && sent.asText().equals(TargetValidator.MASK);
        if (keep && stored.has(key)) {
          secrets.set(key, stored.get(key));
        }
      }
    }
    for (ChannelFields.Field f : ChannelFields.of(type)) {
      JsonNode v = f.secret() ? secrets.get(f.key()) : settings.get(f.key());
      if (v == null || !v.isTextual()) {
        continue; // absent, or a shape the factory reports
      }
      Optional<URI> target = switch (f.kind()) {
        case URL -> parse(v.asText());
        case HOST -> parse("smtp://" + v.asText() + ":"
            + settings.path("port").asInt(ChannelFactory.defaultSmtpPort(settings.path("tls").asText(""))));
        default -> Optional.empty();
      };
      target.flatMap(u -> addresses.refusal(u, DNS_TIMEOUT))
          .ifPresent(why -> errors.add(new FieldError("settings." + f.key(), why)));
    }
  }

  private static Optional<URI> parse(String text) {
    try {
      URI u = new URI(text);
      return u.getHost() == null ? Optional.empty() : Optional.of(u);
    } catch (URISyntaxException e) {
      return Optional.empty(); // the factory reports it
    }
  }

  /** The channel layer's field as the API names it: settings under {@code settings.}. */
  static String apiField(String field) {
    return field.equals("type") || field.startsWith("templates.") ? field : "settings." + field;
  }

  /** An id from a name: lower case, runs of other characters as one '-'. */
  static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return s.length() > 64 ? s.substring(0, 64).replaceAll("-+$", "") : s;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  static NotFoundException notFound(String id) {
    return new NotFoundException("no channel with id '" + id + "'");
  }
}
