package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.notifier.NotifySettings;
import io.javalin.http.Context;
import java.util.Map;

/** The alert policies of the REST API: {@code /api/v1/alert-policies} list, create, read, replace, delete. */
final class PolicyApiRoutes {
  private static final String BASE = RouteParams.API + "/alert-policies";

  private final PolicyService service;

  PolicyApiRoutes(PolicyService service) {
    this.service = service;
  }

  void register(Routes r) {
    r.get(BASE, Access.Rule.READ, this::list);
    r.post(BASE, Access.Rule.WRITE, this::create);
    r.get(BASE + "/{name}", Access.Rule.READ, this::get);
    r.put(BASE + "/{name}", Access.Rule.WRITE, this::update);
    r.delete(BASE + "/{name}", Access.Rule.WRITE, this::delete);
  }

  private void list(Context ctx) {
    Map<String, NotifySettings> notify = service.notifySettings();
    Json.send(ctx, 200, Map.of("items", service.all().stream()
        .map(p -> PolicyView.of(p, notify.getOrDefault(p.name(), NotifySettings.NONE))).toList()));
  }

  private void create(Context ctx) {
    PolicyService.Written w = service.create(PolicyRequest.fromJson(Json.readObject(ctx)));
    ctx.header("Location", BASE + "/" + w.spec().name());
    ctx.header("ETag", etag(w.spec()));
    Json.send(ctx, 201, PolicyView.of(w.spec(), service.notifyOf(w.spec().name())));
  }

  private void get(Context ctx) {
    String name = name(ctx);
    AlertPolicySpec p = service.find(name).orElseThrow(() -> PolicyService.notFound(name));
    ctx.header("ETag", etag(p));
    Json.send(ctx, 200, PolicyView.of(p, service.notifyOf(name)));
  }

  private void update(Context ctx) {
    String name = name(ctx);
    String ifMatch = ctx.header("If-Match");
    long seen = RouteParams.ifMatch(ifMatch, PolicyService.ANY_VERSION);
    PolicyService.Written w = service.update(name, PolicyRequest.fromJson(Json.readObject(ctx)), seen);
    ctx.header("ETag", etag(w.spec()));
    Json.send(ctx, 200, PolicyView.of(w.spec(), service.notifyOf(name)));
  }

  private void delete(Context ctx) {
    service.delete(name(ctx));
    ctx.status(204);
  }

  /** The {name} path parameter; anything that cannot be a policy name is simply not found. */
  static String name(Context ctx) {
    String name = ctx.pathParam("name");
    if (!name.matches("[a-z0-9_-]{1,64}")) {
      throw PolicyService.notFound(name.length() > 64 ? name.substring(0, 64) + "..." : name);
    }
    return name;
  }

  private static String etag(AlertPolicySpec p) {
    return "\"" + p.version() + "\"";
  }
}
