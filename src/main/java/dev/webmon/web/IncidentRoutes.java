package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.IncidentCommand;
import dev.webmon.store.IncidentReads;
import dev.webmon.store.UnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Incidents in the API ({@code /api/v1/incidents}: list, one with its timeline, ack) and in the
 * UI (the incidents page, the incident page with its ack form). Incidents are read from
 * PostgreSQL (the sink stores them); an ack is an {@link IncidentCommand} published to the
 * incident-commands topic for the alerter, which records it, so the answer is 202: the state
 * shows "acknowledged" once the alerter's ACKNOWLEDGED transition is stored.
 */
final class IncidentRoutes {
  /** The page size of the incident lists in the UI and the API's default. */
  static final int DEFAULT_LIMIT = 50;

  private final Views views;
  private final IncidentReads incidents;
  private final IncidentCommandPublisher commands;
  private final Clock clock;
  private final Deliveries deliveries;

  IncidentRoutes(Views views, IncidentReads incidents, IncidentCommandPublisher commands, Clock clock, Deliveries deliveries) {
    this.views = views;
    this.incidents = incidents;
    this.commands = commands;
    this.clock = clock;
    this.deliveries = deliveries;
  }

  void register(Routes r) {
    String base = RouteParams.API;
    r.get(base + "/incidents", Access.Rule.READ, this::list);
    r.get(base + "/incidents/{id}", Access.Rule.READ, this::get);
    r.post(base + "/incidents/{id}/ack", Access.Rule.WRITE, this::ackApi);
    r.get("/incidents", Access.Rule.READ, this::listPage);
    r.get("/incidents/{id}", Access.Rule.READ, this::page);
    r.post("/incidents/{id}/ack", Access.Rule.WRITE, this::ackForm);
  }

  // ---------------------------------------------------------------- API

  private void list(Context ctx) {
    IncidentReads.Query q = query(ctx);
    IncidentReads.Page page = incidents.list(q);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(IncidentJson::item).toList());
    body.put("limit", q.limit());
    body.put("nextCursor", page.nextCursor());
    Json.send(ctx, 200, body);
  }

  private void get(Context ctx) {
    UUID id = incidentId(ctx);
    IncidentReads.Detail d = incidents.detail(id, clock.instant()).orElseThrow(() -> notFound(id));
    Json.send(ctx, 200, IncidentJson.detail(d));
  }

  private void ackApi(Context ctx) {
    UUID id = incidentId(ctx);
    Optional<String> note = apiNote(ctx);
    IncidentCommand command = acknowledge(ctx, id, note);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("commandId", command.commandId());
    body.put("incidentId", command.incidentId());
    body.put("targetId", command.targetId());
    body.put("by", command.by());
    body.put("note", command.note().orElse(null));
    body.put("at", command.at());
    ctx.header("Location", RouteParams.API + "/incidents/" + id);
    Json.send(ctx, 202, body);
  }

  /** The optional body {@code {"note": "..."}}: no body or no note is an ack without a note. */
  private static Optional<String> apiNote(Context ctx) {
    if (ctx.bodyAsBytes().length == 0) {
      return Optional.empty();
    }
    JsonNode body = Json.readObject(ctx);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("note")) {
        throw new ValidationException(name, "is not a field of an acknowledgement (only 'note')");
      }
    }
    JsonNode note = body.path("note");
    if (note.isMissingNode() || note.isNull()) {
      return Optional.empty();
    }
    if (!note.isTextual()) {
      throw new ValidationException("note", "must be a string");
    }
    return note(note.asText());
  }

  private static Optional<String> note(String text) {
    String note = text.strip();
    if (note.length() > IncidentCommand.MAX_NOTE) {
      throw new ValidationException("note", "must be at most " + IncidentCommand.MAX_NOTE + " characters");
    }
    if (note.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\r' && ch != '\t')) {
      throw new ValidationException("note", "must not contain control characters other than line breaks and tabs");
    }
    return note.isEmpty() ? Optional.empty() : Optional.of(note);
  }

  /**
   * Publishes the ack of an incident that exists and is not resolved (404, 409 otherwise); who
   * acked is the one UI user ("admin") or "api-token". Nothing is published when it fails.
   */
  private IncidentCommand acknowledge(Context ctx, UUID id, Optional<String> note) {
    IncidentReads.Incident incident = incidents.find(id).orElseThrow(() -> notFound(id));
    if (incident.resolved()) {
      throw new StateConflictException("Incident " + id + " is resolved: there is nothing to acknowledge.");
    }
    String by = Access.caller(ctx).kind() == Access.Kind.SESSION ? SessionRoutes.ADMIN_USER : "api-token";
    IncidentCommand command =
        new IncidentCommand(UUID.randomUUID(), incident.targetId(), id, IncidentCommand.Type.ACKNOWLEDGE, by, note, clock.instant());
    commands.publish(command);
    return command;
  }

  // ---------------------------------------------------------------- UI

  private void listPage(Context ctx) {
    IncidentReads.Query q;
    String filterError = "";
    try {
      q = query(ctx);
    } catch (ValidationException e) {
      filterError = e.getMessage();
      q = IncidentReads.Query.first(DEFAULT_LIMIT);
    }
    Map<String, String> filter = new LinkedHashMap<>();
    filter.put("state", q.state().orElse(""));
    filter.put("severity", q.severity().orElse(""));
    filter.put("targetId", q.targetId().orElse(""));
    filter.put("from", q.from().map(Instant::toString).orElse(""));
    filter.put("to", q.to().map(Instant::toString).orElse(""));
    Map<String, Object> m = Views.page(ctx, "Incidents");
    m.put("list", IncidentPage.ListView.of(incidents.list(q), filter, clock.instant(), filterError));
    ctx.html(views.render("incidents", m));
  }

  private void page(Context ctx) {
    UUID id = incidentId(ctx);
    String notice = "sent".equals(ctx.queryParam("ack"))
        ? "Acknowledgement sent: the incident shows as acknowledged once the alerter has recorded it."
        : "";
    renderPage(ctx, 200, id, notice, "");
  }

  private void ackForm(Context ctx) {
    UUID id = incidentId(ctx);
    try {
      acknowledge(ctx, id, note(Optional.ofNullable(ctx.formParam("note")).orElse("")));
      ctx.redirect("/incidents/" + id + "?ack=sent", HttpStatus.SEE_OTHER);
    } catch (ValidationException | StateConflictException | UnavailableException e) {
      renderPage(ctx, ErrorMapper.status(e), id, "", e.getMessage());
    }
  }

  private void renderPage(Context ctx, int status, UUID id, String notice, String error) {
    Instant now = clock.instant();
    IncidentReads.Detail d = incidents.detail(id, now).orElseThrow(() -> notFound(id));
    Map<String, Object> m = Views.page(ctx, d.incident().targetName() + ": " + d.incident().severity());
    m.put("view", IncidentPage.of(d, now, notice, error));
    // Deliveries name channels and carry receivers' replies: not for an anonymous (open-reads) reader.
    boolean known = Access.caller(ctx).loggedIn();
    m.put("deliveriesShown", known);
    m.put("deliveries", known ? deliveries.ofIncident(id).stream().map(ChannelView.Row::of).toList() : List.of());
    ctx.status(status).html(views.render("incident", m));
  }

  // ---------------------------------------------------------------- request values

  /** The list query of {@code state}, {@code targetId}, {@code severity}, {@code from}, {@code to}, {@code limit}, {@code cursor}. */
  static IncidentReads.Query query(Context ctx) {
    int limit =
        RouteParams.param(ctx, "limit").map(s -> RouteParams.intParam("limit", s, 1, IncidentReads.MAX_LIMIT)).orElse(DEFAULT_LIMIT);
    IncidentReads.Query q = IncidentReads.Query.first(limit);
    Optional<String> state = RouteParams.param(ctx, "state");
    if (state.isPresent()) {
      if (!IncidentReads.STATES.contains(state.get())) {
        throw new ValidationException("state", "must be one of " + String.join(", ", IncidentReads.STATES));
      }
      q = q.state(state.get());
    }
    Optional<String> severity = RouteParams.param(ctx, "severity");
    if (severity.isPresent()) {
      if (!IncidentReads.SEVERITIES.contains(severity.get())) {
        throw new ValidationException("severity", "must be one of " + String.join(", ", IncidentReads.SEVERITIES));
      }
      q = q.severity(severity.get());
    }
    Optional<String> target = RouteParams.param(ctx, "targetId");
    if (target.isPresent()) {
      if (!RouteParams.isLocationName(target.get())) {
        throw new ValidationException("targetId", "must be a target id: 1-64 characters of [A-Za-z0-9_-]");
      }
      q = q.target(target.get());
    }
    Optional<Instant> from = RouteParams.instantParam(ctx, "from");
    Optional<Instant> to = RouteParams.instantParam(ctx, "to");
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new ValidationException("from", "must be before 'to'");
    }
    if (from.isPresent()) {
      q = q.from(from.get());
    }
    if (to.isPresent()) {
      q = q.to(to.get());
    }
    Optional<String> cursor = RouteParams.param(ctx, "cursor");
    if (cursor.isPresent()) {
      q = q.after(IncidentReads.Cursor.parse(cursor.get())
          .filter(c -> RouteParams.isQueryable(c.openedAt()))
          .orElseThrow(() -> new ValidationException("cursor", "is not a cursor returned by this API")));
    }
    return q;
  }

  /** The {id} path parameter; anything that is not a UUID is simply not found. */
  static UUID incidentId(Context ctx) {
    String text = ctx.pathParam("id");
    try {
      if (text.length() == 36) {
        return UUID.fromString(text);
      }
    } catch (IllegalArgumentException e) {
      // not found below
    }
    throw new NotFoundException("no incident with id '" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'");
  }

  private static NotFoundException notFound(UUID id) {
    return new NotFoundException("no incident with id '" + id + "'");
  }
}
