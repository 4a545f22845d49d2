package dev.webmon.web;

import dev.webmon.store.StatusPages;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public face of the status pages: {@code /status/{slug}} (HTML), {@code /status/{slug}.json},
 * {@code /status/{slug}/feed.atom}, the logo, and the SVG badges of targets under {@code /badge/}.
 * The routes are {@link Access.Rule#PUBLIC}; the page's visibility decides here: {@code public}
 * anyone, {@code token} the API token or a session, {@code session} a session. Every answer carries
 * an ETag of its body and is answered 304 on a matching {@code If-None-Match}; public answers may be
 * cached for {@link StatusService#CACHE_TTL}. Badges are open for targets on a public page, else
 * only to a caller with a session or the token (404 otherwise: nobody learns which ids exist).
 */
final class StatusPageRoutes {
  static final int HISTORY_PAGE = 10;

  private final Views views;
  private final StatusService service;
  private final String apiToken;
  private final Optional<URI> publicUrl;

  StatusPageRoutes(Views views, StatusService service, String apiToken, Optional<URI> publicUrl) {
    this.views = views;
    this.service = service;
    this.apiToken = apiToken;
    this.publicUrl = publicUrl;
  }

  void register(Routes r) {
    r.get("/status/{slug}", Access.Rule.PUBLIC, this::page);
    r.get("/status/{slug}/feed.atom", Access.Rule.PUBLIC, this::feed);
    r.get("/status/{slug}/logo", Access.Rule.PUBLIC, this::logo);
    r.get("/badge/{targetId}/{badge}", Access.Rule.PUBLIC, this::badge);
  }

  private void page(Context ctx) {
    String slug = ctx.pathParam("slug");
    if (slug.endsWith(".json")) {
      StatusPages.Page page = visible(ctx, slug.substring(0, slug.length() - 5));
      StatusModel m = service.model(page);
      byte[] body;
      try {
        body = Json.MAPPER.writeValueAsBytes(StatusFormats.json(m));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise the status page", e);
      }
      send(ctx, page, m, "application/json; charset=utf-8", body);
      return;
    }
    StatusPages.Page page = visible(ctx, slug);
    StatusModel m = service.model(page);
    int pages = Math.max(1, (m.history().size() + HISTORY_PAGE - 1) / HISTORY_PAGE);
    int n = RouteParams.param(ctx, "page").map(p -> RouteParams.intParam("page", p, 1, 1_000)).orElse(1);
    int from = Math.min((n - 1) * HISTORY_PAGE, m.history().size());
    Map<String, Object> model = new java.util.LinkedHashMap<>();
    model.put("title", page.title());
    model.put("m", m);
    model.put("history", m.history().subList(from, Math.min(from + HISTORY_PAGE, m.history().size())));
    model.put("pageNumber", n);
    model.put("previousPage", n > 1 ? n - 1 : 0);
    model.put("nextPage", n < pages ? n + 1 : 0);
    model.put("generated", StatusFormats.shown(m.generatedAt()));
    send(ctx, page, m, "text/html; charset=utf-8", views.render("status", model).getBytes(StandardCharsets.UTF_8));
  }

  /** The feed's base for absolute links: web.public-url without its trailing slash, else the request's scheme and Host. */
  static String base(Optional<URI> publicUrl, String scheme, String host) {
    return publicUrl.map(u -> u.toString().replaceAll("/+$", "")).orElse(scheme + "://" + host);
  }

  private void feed(Context ctx) {
    StatusPages.Page page = visible(ctx, ctx.pathParam("slug"));
    StatusModel m = service.model(page);
    String atom = StatusFormats.atom(m, base(publicUrl, ctx.scheme(), ctx.host()));
    send(ctx, page, m, "application/atom+xml; charset=utf-8", atom.getBytes(StandardCharsets.UTF_8));
  }

  private void logo(Context ctx) {
    StatusPages.Page page = visible(ctx, ctx.pathParam("slug"));
    byte[] logo = service.logo(page.slug()).orElseThrow(() -> new NotFoundException("This status page has no logo."));
    ctx.header("Content-Disposition", "inline");
    sendCached(ctx, page.visibility().equals("public"), StatusService.CACHE_TTL, page.logoType(), logo);
  }

  private void badge(Context ctx) {
    String id = ctx.pathParam("targetId");
    String kind = ctx.pathParam("badge");
    if (!id.matches("[A-Za-z0-9_-]{1,64}") || !List.of("status.svg", "uptime-30d.svg", "response-time.svg").contains(kind)) {
      throw new NotFoundException("No such badge.");
    }
    boolean open = service.onPublicPage(id);
    if (!open && !authenticated(ctx)) {
      throw new NotFoundException("No badge for this target: it is on no public status page.");
    }
    StatusService.BadgeFigures f = service.badge(id);
    if (!f.exists()) {
      throw new NotFoundException("No such target.");
    }
    String svg =
        switch (kind) {
          case "status.svg" -> switch (f.openSeverity()) {
            case "" -> f.uptime30d().isEmpty() ? StatusFormats.badge("status", "unknown", "#9f9f9f") : StatusFormats.badge("status", "up", "#4c1");
            case "down" -> StatusFormats.badge("status", "down", "#e05d44");
            default -> StatusFormats.badge("status", "degraded", "#dfb317");
          };
          case "uptime-30d.svg" -> StatusFormats.badge(
              "uptime 30d",
              StatusFormats.percent(f.uptime30d()).replace(" %", "%"),
              f.uptime30d().map(u -> u >= 99.9 ? "#4c1" : u >= 99 ? "#dfb317" : "#e05d44").orElse("#9f9f9f"));
          default -> StatusFormats.badge(
              "response time", f.meanMillis24h().map(ms -> Math.round(ms) + " ms").orElse("–"), f.meanMillis24h().isPresent() ? "#007ec6" : "#9f9f9f");
        };
    ctx.header("Vary", "Cookie, Authorization");
    sendCached(ctx, open, StatusService.CACHE_TTL, "image/svg+xml; charset=utf-8", svg.getBytes(StandardCharsets.UTF_8));
  }

  /** The page if the caller may see it; 404 when there is none, 401 when it needs a login or the token. */
  private StatusPages.Page visible(Context ctx, String slug) {
    StatusPages.Page page = service.find(slug).orElseThrow(() -> StatusService.notFound(slug));
    boolean allowed =
        switch (page.visibility()) {
          case "public" -> true;
          case "token" -> authenticated(ctx);
          default -> Access.caller(ctx).kind() == Access.Kind.SESSION;
        };
    if (!allowed) {
      throw new UnauthorizedException(
          page.visibility().equals("token")
              ? "This status page needs a login or the API token: send Authorization: Bearer <web.api-token>."
              : "Please log in to see this status page.");
    }
    return page;
  }

  /** A session (recognised by the PUBLIC rule) or a valid API token (checked here: PUBLIC routes skip it). */
  private boolean authenticated(Context ctx) {
    if (Access.caller(ctx).kind() == Access.Kind.SESSION) {
      return true;
    }
    String authorization = ctx.header("Authorization");
    if (authorization == null) {
      return false;
    }
    boolean valid =
        authorization.regionMatches(true, 0, "Bearer ", 0, 7) && Sessions.constantTimeEquals(apiToken, authorization.substring(7).strip());
    if (!valid) {
      throw new UnauthorizedException("The API token is not valid: send Authorization: Bearer <web.api-token>.");
    }
    return true;
  }

  /**
   * A page's answer. The body shows the maintenance phase (component states, the scheduled list),
   * so its ETag changes when a window starts or ends; a cache may keep it until then at most.
   */
  private void send(Context ctx, StatusPages.Page page, StatusModel m, String type, byte[] body) {
    Duration left = Duration.between(service.now(), m.maintenance().validUntil());
    Duration maxAge = left.compareTo(StatusService.CACHE_TTL) < 0 ? (left.isNegative() ? Duration.ZERO : left) : StatusService.CACHE_TTL;
    sendCached(ctx, page.visibility().equals("public"), maxAge, type, body);
  }

  private static void sendCached(Context ctx, boolean open, Duration maxAge, String type, byte[] body) {
    String etag = "\"" + HexFormat.of().formatHex(sha256(body), 0, 16) + "\"";
    ctx.header("ETag", etag);
    ctx.header("Cache-Control", open ? "public, max-age=" + maxAge.toSeconds() : "private, no-cache");
    if (matches(ctx.header("If-None-Match"), etag)) {
      ctx.status(304);
      return;
    }
    ctx.status(200).contentType(type).result(body);
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
