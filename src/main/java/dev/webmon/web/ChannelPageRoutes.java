package dev.webmon.web;

import dev.webmon.store.ChannelWrites;
import dev.webmon.store.DeliveryLog;
import dev.webmon.store.UnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The notification channels in the server-rendered UI: the list (with each channel's failing
 * state), the form per type (secrets only as set / not set, with a field to replace them),
 * "Send test" with the receiver's answer and the channel's recent deliveries, delete. Values
 * reach the HTML through Pebble's auto-escaping; forms carry the CSRF token.
 */
final class ChannelPageRoutes {
  /** Recent deliveries shown on a channel's page. */
  static final int RECENT = 20;

  private final Views views;
  private final ChannelService service;
  private final Deliveries deliveries;

  ChannelPageRoutes(Views views, ChannelService service, Deliveries deliveries) {
    this.views = views;
    this.service = service;
    this.deliveries = deliveries;
  }

  void register(Routes r) {
    r.get("/channels", Access.Rule.PRIVATE, this::list); // as the channel API: receivers are not for open reads
    r.get("/channels/new", Access.Rule.PRIVATE, this::newForm);
    r.post("/channels", Access.Rule.WRITE, this::create);
    r.get("/channels/{id}/edit", Access.Rule.PRIVATE, this::editForm);
    r.post("/channels/{id}", Access.Rule.WRITE, this::update);
    r.post("/channels/{id}/test", Access.Rule.WRITE, this::test);
    r.post("/channels/{id}/delete", Access.Rule.WRITE, this::delete);
  }

  /** A row of the list. */
  record Row(
      String id, String name, String type, boolean isDefault, String minSeverity, boolean sendResolved, String routes,
      List<String> settings, String failing) {
    static Row of(ChannelWrites.Row c, Map<String, DeliveryLog.Failing> failing) {
      List<String> settings =
          ChannelView.settings(c).entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
      String routes =
          (c.routePolicies().isEmpty() ? "" : "policies " + String.join(", ", c.routePolicies()))
              + (c.routePolicies().isEmpty() || c.routeTags().isEmpty() ? "" : "; ")
              + (c.routeTags().isEmpty() ? "" : "tags " + String.join(", ", c.routeTags()));
      DeliveryLog.Failing f = failing.get(c.id());
      String why = f == null ? "" : (f.state().equals("failed") ? "failed: " : "retrying: ") + f.lastError();
      return new Row(c.id(), c.name(), c.type(), c.isDefault(), c.minSeverity(), c.sendResolved(), routes, settings, why);
    }
  }

  private void list(Context ctx) {
    renderList(ctx, 200, Optional.ofNullable(ctx.queryParam("deleted")).map(n -> "Deleted channel “" + n + "”.").orElse(""), "");
  }

  private void renderList(Context ctx, int status, String notice, String problem) {
    Map<String, DeliveryLog.Failing> failing =
        deliveries.failing().stream().collect(Collectors.toMap(DeliveryLog.Failing::id, f -> f));
    Map<String, Object> m = Views.page(ctx, "Channels");
    m.put("rows", service.all().stream().map(c -> Row.of(c, failing)).toList());
    m.put("types", ChannelFields.TYPES);
    m.put("notice", notice);
    m.put("problem", problem);
    ctx.status(status).html(views.render("channels", m));
  }

  private void newForm(Context ctx) {
    requireLogin(ctx);
    String type = Optional.ofNullable(ctx.queryParam("type")).filter(ChannelFields.TYPES::contains).orElse("webhook");
    render(ctx, 200, ChannelForm.adding(type, Map.of(), List.of(), ""));
  }

  private void editForm(Context ctx) {
    requireLogin(ctx);
    ChannelWrites.Row c = service.stored(ChannelApiRoutes.id(ctx));
    render(ctx, 200, ChannelForm.editing(c, recent(c.id())));
  }

  private void create(Context ctx) {
    Map<String, String> values = submitted(ctx);
    String type = values.getOrDefault("type", "");
    try {
      ChannelWrites.Row c = service.create(ChannelRequest.fromForm(ctx.formParamMap()));
      ctx.redirect("/channels/" + c.id() + "/edit", HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      render(ctx, 400, ChannelForm.adding(type, values, e.errors(), ""));
    } catch (UnavailableException | ConflictException e) {
      render(ctx, ErrorMapper.status(e), ChannelForm.adding(type, values, List.of(), e.getMessage()));
    }
  }

  private void update(Context ctx) {
    String id = ChannelApiRoutes.id(ctx);
    ChannelWrites.Row stored = service.stored(id);
    Map<String, String> values = submitted(ctx);
    long seen = Optional.ofNullable(ctx.formParam("version")).flatMap(RouteParams::parseLong).orElse(ChannelService.ANY_VERSION);
    try {
      service.update(id, ChannelRequest.fromForm(ctx.formParamMap()), seen);
      ctx.redirect("/channels#channel-" + id, HttpStatus.SEE_OTHER);
    } catch (ValidationException | UnavailableException | PreconditionFailedException | ConflictException e) {
      List<FieldError> errors = e instanceof ValidationException v ? v.errors() : List.of();
      String banner = e instanceof ValidationException ? "" : e.getMessage();
      render(ctx, ErrorMapper.status(e), ChannelForm.editing(stored, values, errors, banner, Map.of("shown", false), recent(id)));
    }
  }

  private void test(Context ctx) {
    String id = ChannelApiRoutes.id(ctx);
    ChannelWrites.Row stored = service.stored(id);
    Map<String, Object> answer = new LinkedHashMap<>();
    int status = 200;
    String banner = "";
    try {
      answer.put("httpStatus", null);
      answer.put("smtpReply", null);
      answer.putAll(ChannelView.test(service.test(id, ChannelApiRoutes.webBase(ctx))));
      answer.put("shown", true);
    } catch (ValidationException | UnavailableException e) {
      status = ErrorMapper.status(e);
      banner = "The test was not sent: " + e.getMessage();
      answer.put("shown", false);
    }
    render(ctx, status, ChannelForm.editing(stored, ChannelForm.storedValues(stored), List.of(), banner, answer, recent(id)));
  }

  private void delete(Context ctx) {
    String id = ChannelApiRoutes.id(ctx);
    try {
      service.delete(id);
      ctx.redirect("/channels?deleted=" + URLEncoder.encode(id, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
    } catch (ConflictException | UnavailableException e) {
      renderList(ctx, ErrorMapper.status(e), "", e.getMessage());
    }
  }

  private List<ChannelView.Row> recent(String id) {
    return deliveries.ofChannel(id, RECENT).stream().map(ChannelView.Row::of).toList();
  }

  private void render(Context ctx, int status, ChannelForm form) {
    Map<String, Object> m = Views.page(ctx, form.title());
    m.put("form", form);
    ctx.status(status).html(views.render("channel_form", m));
  }

  /** The submitted form values, secrets left out (they are never echoed back into a page). */
  private static Map<String, String> submitted(Context ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> secret = Set.copyOf(
        dev.webmon.notifier.ChannelFactory.SECRET_KEYS.getOrDefault(Optional.ofNullable(ctx.formParam("type")).orElse(""), Set.of())
            .stream().map(k -> "settings." + k).toList());
    ctx.formParamMap().forEach((k, list) -> {
      if (!secret.contains(k) && !k.equals("_csrf")) {
        values.put(k, list.isEmpty() ? "" : list.get(0));
      }
    });
    return values;
  }

  private static void requireLogin(Context ctx) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to manage notification channels.");
    }
  }
}
