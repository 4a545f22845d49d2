package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.MaintenanceWindow;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The maintenance windows of the REST API: {@code /api/v1/maintenance} list, create, read, replace, delete. */
final class MaintenanceApiRoutes {
  private static final String BASE = RouteParams.API + "/maintenance";
  private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final MaintenanceService service;

  MaintenanceApiRoutes(MaintenanceService service) {
    this.service = service;
  }

  void register(Routes r) {
    r.get(BASE, Access.Rule.READ, this::list);
    r.post(BASE, Access.Rule.WRITE, this::create);
    r.get(BASE + "/{id}", Access.Rule.READ, this::get);
    r.put(BASE + "/{id}", Access.Rule.WRITE, this::update);
    r.delete(BASE + "/{id}", Access.Rule.WRITE, this::delete);
  }

  private void list(Context ctx) {
    Optional<MaintenanceView.State> state = RouteParams.param(ctx, "state").map(MaintenanceApiRoutes::state);
    Instant now = service.now();
    Map<String, List<String>> targets = service.targetTags();
    List<JsonNode> items =
        service.all().stream()
            .filter(w -> state.isEmpty() || MaintenanceView.state(w, now) == state.get())
            .map(w -> MaintenanceView.json(w, now, targets))
            .toList();
    Json.send(ctx, 200, Map.of("items", items));
  }

  private void create(Context ctx) {
    MaintenanceService.Written w = service.create(Json.readObject(ctx));
    ctx.header("Location", BASE + "/" + w.window().id());
    send(ctx, 201, w.window());
  }

  private void get(Context ctx) {
    send(ctx, 200, service.require(id(ctx)));
  }

  private void update(Context ctx) {
    UUID id = id(ctx);
    String ifMatch = ctx.header("If-Match");
    long seen = RouteParams.ifMatch(ifMatch, MaintenanceService.ANY_VERSION);
    send(ctx, 200, service.update(id, Json.readObject(ctx), seen).window());
  }

  private void delete(Context ctx) {
    service.delete(id(ctx));
    ctx.status(204);
  }

  private void send(Context ctx, int status, MaintenanceWindow w) {
    ctx.header("ETag", "\"" + w.version() + "\"");
    Json.send(ctx, status, MaintenanceView.json(w, service.now(), service.targetTags()));
  }

  /** The {id} path parameter; anything that is not a window id (lower-case UUID) is simply not found. */
  static UUID id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!UUID_TEXT.matcher(id).matches()) {
      throw MaintenanceService.notFound(id);
    }
    return UUID.fromString(id);
  }

  private static MaintenanceView.State state(String value) {
    return Arrays.stream(MaintenanceView.State.values())
        .filter(s -> s.wire().equals(value))
        .findFirst()
        .orElseThrow(() -> new ValidationException("state", "must be one of active, upcoming, past"));
  }
}
