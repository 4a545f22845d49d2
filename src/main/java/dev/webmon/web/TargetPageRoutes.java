package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.FrequencyViews;
import dev.webmon.store.Jdbc;
import dev.webmon.store.TargetList;
import dev.webmon.store.Targets;
import dev.webmon.store.UnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The targets in the server-rendered UI: the list, the views by frequency, and adding, editing and
 * deleting a target. Every value reaches the HTML through Pebble's auto-escaping; forms carry the
 * session's CSRF token (checked by {@link Access}). The target page is {@link ResultRoutes}'.
 */
final class TargetPageRoutes {
  private final Views views;
  private final DataSource dataSource;
  private final TargetService service;
  private final Targets store;
  private final TargetList targets;
  private final FrequencyViews frequencies;
  private final ResultReads results;
  private final PolicyService policies;
  private final Deliveries deliveries;

  TargetPageRoutes(
      Views views,
      DataSource dataSource,
      TargetService service,
      Targets store,
      TargetList targets,
      FrequencyViews frequencies,
      ResultReads results,
      PolicyService policies,
      Deliveries deliveries) {
    this.views = views;
    this.dataSource = dataSource;
    this.service = service;
    this.store = store;
    this.targets = targets;
    this.frequencies = frequencies;
    this.results = results;
    this.policies = policies;
    this.deliveries = deliveries;
  }

  void register(Routes r) {
    r.get("/targets", Access.Rule.READ, this::list);
    r.get("/targets/new", Access.Rule.PRIVATE, this::newForm);
    r.post("/targets", Access.Rule.WRITE, this::create);
    r.get("/frequencies", Access.Rule.READ, this::frequencies);
    r.get("/targets/{id}/edit", Access.Rule.PRIVATE, this::editForm);
    r.post("/targets/{id}", Access.Rule.WRITE, this::update);
    r.post("/targets/{id}/delete", Access.Rule.WRITE, this::delete);
  }

  // ---------------------------------------------------------------- list

  private void list(Context ctx) {
    TargetList.Filter filter;
    String filterError = "";
    try {
      filter = RouteParams.targetFilter(ctx);
    } catch (ValidationException e) {
      filterError = e.getMessage();
      filter = TargetList.Filter.firstPage();
    }
    TargetList.Page page = targets.list(filter);
    String deleted = ctx.queryParam("deleted") == null ? "" : ctx.queryParam("deleted");
    Map<String, Object> m = Views.page(ctx, "Targets");
    m.put("list", TargetListPage.of(filter, page, results.now(), deleted, filterError));
    m.put("failingChannels", deliveries.failing()); // issue 13: channels whose last delivery failed
    ctx.html(views.render("targets", m));
  }

  // ---------------------------------------------------------------- frequencies

  /** A row of the views by frequency. */
  record FrequencyRow(String view, String label, int seconds, long targets, long up, long down, long noData) {
    static FrequencyRow of(FrequencyViews.Frequency f) {
      return new FrequencyRow(
          f.view(), "every " + Format.interval(f.intervalSeconds()), f.intervalSeconds(), f.targets(), f.up(), f.down(), f.noData());
    }
  }

  private void frequencies(Context ctx) {
    Map<String, Object> m = Views.page(ctx, "Views by frequency");
    m.put("rows", frequencies.frequencies().stream().map(FrequencyRow::of).toList());
    ctx.html(views.render("frequencies", m));
  }

  // ---------------------------------------------------------------- add, edit, delete

  private void newForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, TargetForm.blank());
  }

  private void editForm(Context ctx) {
    requireLogin(ctx);
    render(ctx, 200, TargetForm.editing(stored(RouteParams.targetId(ctx))));
  }

  private void create(Context ctx) {
    Map<String, String> values = submitted(ctx);
    try {
      TargetService.Written w = service.create(TargetRequest.fromForm(ctx.formParamMap()));
      ctx.redirect("/targets/" + w.spec().id(), HttpStatus.SEE_OTHER);
    } catch (ValidationException e) {
      render(ctx, 400, TargetForm.adding(values, e.errors(), ""));
    } catch (UnavailableException e) {
      render(ctx, 503, TargetForm.adding(values, List.of(), e.getMessage()));
    }
  }

  private void update(Context ctx) {
    String id = RouteParams.targetId(ctx);
    Map<String, String> values = submitted(ctx);
    // The version the form was loaded at: saving over a newer version fails (412).
    Optional<Long> seen = Optional.ofNullable(ctx.formParam("version")).flatMap(RouteParams::parseLong);
    try {
      TargetRequest request = TargetRequest.fromForm(ctx.formParamMap());
      if (seen.isPresent()) {
        service.updateIfAt(id, request, seen.get());
      } else {
        service.update(id, request);
      }
      ctx.redirect("/targets/" + id, HttpStatus.SEE_OTHER);
    } catch (ValidationException | UnavailableException | PreconditionFailedException | ConflictException e) {
      List<FieldError> errors = e instanceof ValidationException v ? v.errors() : List.of();
      String banner = e instanceof ValidationException ? "" : e.getMessage();
      render(ctx, ErrorMapper.status(e), TargetForm.editing(stored(id), values, errors, banner));
    }
  }

  private void delete(Context ctx) {
    String id = RouteParams.targetId(ctx);
    String name = Jdbc.read(dataSource, c -> store.find(c, id)).map(s -> s.spec().name()).orElse(id);
    service.delete(id);
    ctx.redirect("/targets?deleted=" + URLEncoder.encode(name, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
  }

  private TargetSpec stored(String id) {
    return Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> RouteParams.notFound(id)).spec();
  }

  private void render(Context ctx, int status, TargetForm form) {
    Map<String, Object> m = Views.page(ctx, form.title());
    m.put("form", form.withPolicies(policyNames()));
    ctx.status(status).html(views.render("target_form", m));
  }

  /** The policies the form offers; none while PostgreSQL is down (the form still shows its 503). */
  private List<String> policyNames() {
    try {
      return policies.all().stream().map(AlertPolicySpec::name).toList();
    } catch (UnavailableException e) {
      return List.of();
    }
  }

  private static Map<String, String> submitted(Context ctx) {
    Map<String, String> values = new LinkedHashMap<>();
    ctx.formParamMap().forEach((k, list) -> values.put(k, list.isEmpty() ? "" : list.get(0)));
    return values;
  }

  private static void requireLogin(Context ctx) {
    if (Access.caller(ctx).kind() != Access.Kind.SESSION) {
      throw new UnauthorizedException("Please log in to change targets.");
    }
  }
}
