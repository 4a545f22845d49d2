package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.store.UnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The maintenance windows in the server-rendered UI: the list (active, upcoming, past), and
 * adding, editing (with a preview of the next occurrences) and deleting a window. Values reach the
 * HTML through Pebble's auto-escaping; forms carry the CSRF token. A form submitted with {@code
 * preview} is validated and shown again with its occurrences, nothing stored.
 */
final class MaintenancePageRoutes {
  private final Views views;
  private final MaintenanceService service;

  MaintenancePageRoutes(Views views, MaintenanceService service) {
    this.views = views;
    this.service = service;
  }

  void register(Routes r) {
    r.get("/maintenance", Access.Rule.READ, this::list);
    r.get("/maintenance/new", Access.Rule.PRIVATE, this::newForm);
    r.post("/maintenance", Access.Rule.WRITE, this::create);
    r.get("/maintenance/{id}/edit", Access.Rule.PRIVATE, this::editForm);
    r.post("/maintenance/{id}", Access.Rule.WRITE, this::update);
    r.post("/maintenance/{id}/delete", Access.Rule.WRITE, this::delete);
  }

  /** A row of the list: the window, its state and the next (or current) occurrence. */
  record Row(String id, String title, String description, String scope, String schedule, String next, long targets, long version) {}

  private void list(Context ctx) {
    listPage(ctx, 200, Optional.ofNullable(ctx.queryParam("deleted")).map(t -> "Deleted maintenance window “" + t + "”.").orElse(""), "");
  }

  private void listPage(Context ctx, int status, String notice, String problem) {
    Instant now = service.now();
    Map<String, List<String>> targets = service.targetTags();
    List<MaintenanceWindow> all = service.all();
    Map<String, Object> m = Views.page(ctx, "Maintenance");
    for (MaintenanceView.State s : MaintenanceView.State.values()) {
      m.put(s.wire(), all.stream().filter(w -> MaintenanceView.state(w, now) == s).map(w -> row(w, now, targets)).toList());
    }
    m.put("notice", notice);
    m.put("problem", problem);
    ctx.status(status).html(views.render("maintenance", m));
  }

  private static Row row(MaintenanceWindow w, Instant now, Map<String, List<String>> targets) {
    List<MaintenanceForm.Preview> next = MaintenanceForm.preview(w, now);
    String when = next.isEmpty() ? "–" : next.get(0).start() + " – " + next.get(0).end();
    String scope =
        w.scope().all()
            ? "all targets"
            : String.join(", ", w.scope().targetIds()) + (w.scope().targetIds().isEmpty() || w.scope().tags().isEmpty() ? "" : "; ")
                + (w.scope().tags().isEmpty() ? "" : "tags " + String.join(", ", w.scope().tags()));
    return new Row(
        w.id().toString(), w.title(), w.description(), scope, describe(w.schedule()), when, MaintenanceView.covered(w, targets), w.version());
  }

  private static String describe(MaintenanceSchedule s) {
    return switch (s) {
      case MaintenanceSchedule.Once o -> "once";
      case MaintenanceSchedule.Weekly w ->
          "weekly " + String.join(",", java.util.EnumSet.copyOf(w.days()).stream().map(d -> d.name().substring(0, 3)).toList())
              + " " + w.at() + " for " + w.duration().toMinutes() + " min (" + w.zone().getId() + ")";
      case MaintenanceSchedule.Monthly m -> "monthly on day " + m.day() + " " + m.at() + " for " + m.duration().toMinutes() + " min (" + m.zone().getId() + ")";
      case MaintenanceSchedule.Cron c -> "cron " + c.expression() + " for " + c.duration().toMinutes() + " min (" + c.zone().getId() + ")";
    };
  }

  private void newForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, MaintenanceForm.adding(Map.of(), List.of(), "", List.of()));
  }

  private void editForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, MaintenanceForm.editing(service.require(MaintenanceApiRoutes.id(ctx)), service.now()));
  }

  private void create(Context ctx) {
    Map<String, List<String>> form = ctx.formParamMap();
    try {
      JsonNode body = MaintenanceForm.toJson(form);
      if (form.containsKey("preview")) {
        render(ctx, 200, MaintenanceForm.adding(form, List.of(), "", MaintenanceForm.preview(service.check(body), service.now())));
        return;
      }
      MaintenanceService.Written w = service.create(body);
      ctx.redirect("/maintenance#window-" + w.window().id(), HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      render(ctx, 400, MaintenanceForm.adding(form, e.errors(), "", List.of()));
    } catch (UnavailableException e) {
      render(ctx, ErrorMapper.status(e), MaintenanceForm.adding(form, List.of(), e.getMessage(), List.of()));
    }
  }

  private void update(Context ctx) {
    UUID id = MaintenanceApiRoutes.id(ctx);
    MaintenanceWindow stored = service.require(id);
    Map<String, List<String>> form = ctx.formParamMap();
    long seen = Optional.ofNullable(ctx.formParam("version")).flatMap(RouteParams::parseLong).orElse(MaintenanceService.ANY_VERSION);
    try {
      JsonNode body = MaintenanceForm.toJson(form);
      if (form.containsKey("preview")) {
        render(ctx, 200, MaintenanceForm.editing(stored, form, List.of(), "", MaintenanceForm.preview(service.check(body), service.now())));
        return;
      }
      service.update(id, body, seen);
      ctx.redirect("/maintenance#window-" + id, HttpStatus.SEE_OTHER);
    } catch (ValidationException | UnavailableException | PreconditionFailedException | ConflictException e) {
      List<FieldError> errors = e instanceof ValidationException v ? v.errors() : List.of();
      String banner = e instanceof ValidationException ? "" : e.getMessage();
      render(ctx, ErrorMapper.status(e), MaintenanceForm.editing(stored, form, errors, banner, List.of()));
    }
  }

  private void delete(Context ctx) {
    UUID id = MaintenanceApiRoutes.id(ctx);
    MaintenanceWindow stored = service.require(id);
    try {
      service.delete(id);
      ctx.redirect("/maintenance?deleted=" + java.net.URLEncoder.encode(stored.title(), java.nio.charset.StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
    } catch (ConflictException | UnavailableException e) {
      listPage(ctx, ErrorMapper.status(e), "", e.getMessage());
    }
  }

  private void render(Context ctx, int status, MaintenanceForm form) {
    Map<String, Object> m = Views.page(ctx, form.title());
    m.put("form", form);
    ctx.status(status).html(views.render("maintenance_form", m));
  }

  private static void requireLogin(Context ctx) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to change maintenance windows.");
    }
  }
}
