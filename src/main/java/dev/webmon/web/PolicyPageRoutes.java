package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.store.UnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alert policies in the server-rendered UI: the list, and adding, editing and deleting a
 * policy. Values reach the HTML through Pebble's auto-escaping; forms carry the CSRF token.
 */
final class PolicyPageRoutes {
  private final Views views;
  private final PolicyService service;

  PolicyPageRoutes(Views views, PolicyService service) {
    this.views = views;
    this.service = service;
  }

  void register(Routes r) {
    r.get("/alert-policies", Access.Rule.READ, this::list);
    r.get("/alert-policies/new", Access.Rule.PRIVATE, this::newForm);
    r.post("/alert-policies", Access.Rule.WRITE, this::create);
    r.get("/alert-policies/{name}/edit", Access.Rule.PRIVATE, this::editForm);
    r.post("/alert-policies/{name}", Access.Rule.WRITE, this::update);
    r.post("/alert-policies/{name}/delete", Access.Rule.WRITE, this::delete);
  }

  /** A row of the list: the policy and its set fields as "label: value" lines. */
  record Row(String name, long version, List<String> tags, List<String> fields, boolean isDefault) {
    static Row of(AlertPolicySpec p) {
      Map<String, Object> set = AlertFields.view(p.fields());
      List<String> fields =
          AlertFields.INPUTS.stream().filter(i -> set.containsKey(i.name())).map(i -> i.label() + ": " + set.get(i.name())).toList();
      return new Row(p.name(), p.version(), p.tags(), fields, p.name().equals(AlertPolicySpec.DEFAULT));
    }
  }

  private void list(Context ctx) {
    Map<String, Object> m = Views.page(ctx, "Alert policies");
    m.put("rows", service.all().stream().map(Row::of).toList());
    m.put("notice", Optional.ofNullable(ctx.queryParam("deleted")).map(n -> "Deleted alert policy “" + n + "”.").orElse(""));
    m.put("problem", "");
    ctx.html(views.render("policies", m));
  }

  private void newForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, PolicyForm.adding(Map.of(), List.of(), ""));
  }

  private void editForm(Context ctx) {
    requireLogin(ctx);
    String name = PolicyApiRoutes.name(ctx);
    render(ctx, 200, PolicyForm.editing(stored(name), service.notifyOf(name)));
  }

  private void create(Context ctx) {
    Map<String, String> values = submitted(ctx);
    try {
      PolicyService.Written w = service.create(PolicyRequest.fromForm(ctx.formParamMap()));
      ctx.redirect("/alert-policies#policy-" + w.spec().name(), HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      render(ctx, 400, PolicyForm.adding(values, e.errors(), ""));
    } catch (UnavailableException | ConflictException e) {
      render(ctx, ErrorMapper.status(e), PolicyForm.adding(values, List.of(), e.getMessage()));
    }
  }

  private void update(Context ctx) {
    String name = PolicyApiRoutes.name(ctx);
    Map<String, String> values = submitted(ctx);
    long seen =
        Optional.ofNullable(ctx.formParam("version")).flatMap(RouteParams::parseLong).orElse(PolicyService.ANY_VERSION);
    try {
      service.update(name, PolicyRequest.fromForm(ctx.formParamMap()), seen);
      ctx.redirect("/alert-policies#policy-" + name, HttpStatus.SEE_OTHER);
    } catch (ValidationException | UnavailableException | PreconditionFailedException | ConflictException e) {
      List<FieldError> errors = e instanceof ValidationException v ? v.errors() : List.of();
      String banner = e instanceof ValidationException ? "" : e.getMessage();
      render(ctx, ErrorMapper.status(e), PolicyForm.editing(stored(name), values, errors, banner));
    }
  }

  private void delete(Context ctx) {
    String name = PolicyApiRoutes.name(ctx);
    try {
      service.delete(name);
      ctx.redirect("/alert-policies?deleted=" + URLEncoder.encode(name, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
    } catch (ConflictException | UnavailableException e) {
      Map<String, Object> m = Views.page(ctx, "Alert policies");
      m.put("rows", service.all().stream().map(Row::of).toList());
      m.put("notice", "");
      m.put("problem", e.getMessage());
      ctx.status(ErrorMapper.status(e)).html(views.render("policies", m));
    }
  }

  private AlertPolicySpec stored(String name) {
    return service.find(name).orElseThrow(() -> PolicyService.notFound(name));
  }

  private void render(Context ctx, int status, PolicyForm form) {
    Map<String, Object> m = Views.page(ctx, form.title());
    m.put("form", form);
    ctx.status(status).html(views.render("policy_form", m));
  }

  private static Map<String, String> submitted(Context ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    ctx.formParamMap().forEach((k, list) -> values.put(k, list.isEmpty() ? "" : list.get(0)));
    return values;
  }

  private static void requireLogin(Context ctx) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to change alert policies.");
    }
  }
}
