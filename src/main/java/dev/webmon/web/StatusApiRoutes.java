package dev.webmon.web;

import dev.webmon.store.StatusPages;
import dev.webmon.store.StatusPosts;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Status pages in the REST API: {@code /api/v1/status-pages} (list, create), {@code /{slug}}
 * (read with components, replace, delete), {@code /{slug}/components} (add) and {@code
 * /{slug}/components/{id}} (delete), {@code /{slug}/posts} (list, add), {@code
 * /{slug}/posts/{id}} (read, delete) and {@code /{slug}/posts/{id}/updates} (add an update).
 */
final class StatusApiRoutes {
  private static final String BASE = RouteParams.API + "/status-pages";

  private final StatusService service;

  StatusApiRoutes(StatusService service) {
    this.service = service;
  }

  void register(Routes r) {
    // PRIVATE, not READ: this API shows every page whatever its visibility, so open reads must not
    // open it (a session or token page's posts would be anyone's); /status/{slug}.json is the public read.
    r.get(BASE, Access.Rule.PRIVATE, ctx -> Json.send(ctx, 200, Map.of("items", service.all().stream().map(p -> view(p, List.of())).toList())));
    r.post(BASE, Access.Rule.WRITE, this::create);
    r.get(BASE + "/{slug}", Access.Rule.PRIVATE, ctx -> Json.send(ctx, 200, pageView(slug(ctx))));
    r.put(BASE + "/{slug}", Access.Rule.WRITE, this::update);
    r.delete(BASE + "/{slug}", Access.Rule.WRITE, ctx -> {
      service.delete(slug(ctx));
      ctx.status(204);
    });
    r.post(BASE + "/{slug}/components", Access.Rule.WRITE, this::addComponent);
    r.delete(BASE + "/{slug}/components/{id}", Access.Rule.WRITE, ctx -> {
      service.deleteComponent(slug(ctx), id(ctx));
      ctx.status(204);
    });
    r.get(BASE + "/{slug}/posts", Access.Rule.PRIVATE, ctx -> {
      String slug = slug(ctx);
      service.require(slug);
      Json.send(ctx, 200, Map.of("items", service.posts(slug).stream().map(StatusApiRoutes::postView).toList()));
    });
    r.post(BASE + "/{slug}/posts", Access.Rule.WRITE, this::addPost);
    r.get(BASE + "/{slug}/posts/{id}", Access.Rule.PRIVATE, ctx -> Json.send(ctx, 200, postView(service.post(slug(ctx), id(ctx)))));
    r.delete(BASE + "/{slug}/posts/{id}", Access.Rule.WRITE, ctx -> {
      service.deletePost(slug(ctx), id(ctx));
      ctx.status(204);
    });
    r.post(BASE + "/{slug}/posts/{id}/updates", Access.Rule.WRITE, this::addUpdate);
  }

  private void create(Context ctx) {
    StatusPages.Page p = service.create(StatusRequests.page(Json.readObject(ctx), Optional.empty()));
    ctx.header("Location", BASE + "/" + p.slug());
    Json.send(ctx, 201, view(p, List.of()));
  }

  private void update(Context ctx) {
    String slug = slug(ctx);
    service.require(slug);
    service.update(slug, StatusRequests.page(Json.readObject(ctx), Optional.of(slug)));
    Json.send(ctx, 200, pageView(slug));
  }

  private void addComponent(Context ctx) {
    String slug = slug(ctx);
    service.require(slug);
    StatusPages.Component c = service.addComponent(slug, StatusRequests.component(Json.readObject(ctx)));
    Json.send(ctx, 201, componentView(c));
  }

  private void addPost(Context ctx) {
    String slug = slug(ctx);
    service.require(slug);
    StatusPosts.Post p = service.addPost(slug, StatusRequests.post(Json.readObject(ctx)));
    ctx.header("Location", BASE + "/" + slug + "/posts/" + p.id());
    Json.send(ctx, 201, postView(p));
  }

  private void addUpdate(Context ctx) {
    String slug = slug(ctx);
    long id = id(ctx);
    service.post(slug, id);
    Json.send(ctx, 201, postView(service.addUpdate(slug, id, StatusRequests.update(Json.readObject(ctx)))));
  }

  private Map<String, Object> pageView(String slug) {
    return view(service.require(slug), service.components(slug));
  }

  static String slug(Context ctx) {
    String slug = ctx.pathParam("slug");
    if (!StatusRequests.SLUG.matcher(slug).matches()) {
      throw StatusService.notFound(slug);
    }
    return slug;
  }

  static long id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[0-9]{1,18}")) {
      throw new NotFoundException("No such item \"" + (id.length() > 20 ? id.substring(0, 20) + "..." : id) + "\".");
    }
    return Long.parseLong(id);
  }

  static Map<String, Object> view(StatusPages.Page p, List<StatusPages.Component> components) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("slug", p.slug());
    o.put("title", p.title());
    o.put("description", p.description());
    o.put("visibility", p.visibility());
    o.put("showUrls", p.showUrls());
    o.put("logo", p.hasLogo() ? "/status/" + p.slug() + "/logo" : null);
    o.put("updatedAt", p.updatedAt().toString());
    o.put("components", components.stream().map(StatusApiRoutes::componentView).toList());
    return o;
  }

  static Map<String, Object> componentView(StatusPages.Component c) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", c.id());
    o.put("name", c.name());
    o.put("position", c.position());
    o.put("targets", c.targetIds());
    return o;
  }

  static Map<String, Object> postView(StatusPosts.Post p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", p.id());
    o.put("title", p.title());
    o.put("status", p.status());
    o.put("createdAt", p.createdAt().toString());
    o.put("updatedAt", p.updatedAt().toString());
    o.put(
        "updates",
        p.updates().stream().map(u -> Map.of("id", u.id(), "status", u.status(), "body", u.body(), "at", u.at().toString())).toList());
    return o;
  }
}
