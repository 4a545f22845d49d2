package dev.webmon.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.util.Optional;

/**
 * Who is calling and what they may do, decided before every request that matched a route, on the
 * {@link Rule} of the matched route (its Javalin role; {@link Routes} registers every route with
 * one), never on the spelling of the path: a trailing slash, doubled slashes or encoded letters
 * reach the same route and so the same rule. A path that matches no route is 404 for everyone.
 *
 * <ul>
 *   <li>API ({@code /api/}): {@code Authorization: Bearer <web.api-token>} for everything; a UI
 *       session may read, and may write only with its CSRF token in {@code X-CSRF-Token}. Reads
 *       are open to anyone when {@code web.open-reads=true}, except the export. Otherwise 401.
 *   <li>UI: a session (login form) for pages; every form post must carry the session's CSRF
 *       token. Pages are open when {@code web.open-reads=true}, except the forms that change
 *       targets; without a session a page redirects to the login form.
 *   <li>Always open: the login form, static assets, {@code /healthz} and the OpenAPI document.
 *       Before authentication a body is read only from a public route, only up to {@link
 *       #PUBLIC_MAX_BODY_BYTES} and only with a Content-Length.
 *   <li>Multipart: only a route marked {@link Body#MULTIPART} (a form with a file) takes it, and
 *       only once the caller is known (its rule is {@link Rule#WRITE}), with a Content-Length of at
 *       most {@link #MAX_MULTIPART_BYTES}; every other route answers 415.
 * </ul>
 *
 * Thread-safe.
 */
final class Access {
  static final String SESSION_COOKIE = "webmon_session";
  static final String LOGIN_COOKIE = "webmon_login";
  static final String CSRF_FIELD = "_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  /** The largest body a public route (the login form) reads. */
  static final long PUBLIC_MAX_BODY_BYTES = 8 * 1024;
  /** The largest multipart body a {@link Body#MULTIPART} route reads; held in memory, never spooled to disk. */
  static final int MAX_MULTIPART_BYTES = 1024 * 1024;
  private static final String ATTRIBUTE = "webmon.caller";

  /** What a route allows; every route carries exactly one. */
  enum Rule implements RouteRole {
    /** Anyone, and no session lookup: static assets, the health check, the favicon. */
    ASSET,
    /** Anyone; a session is still recognised: the login form, the OpenAPI document. */
    PUBLIC,
    /** A session or the token; anyone when {@code web.open-reads=true}. */
    READ,
    /** A session or the token, even with open reads: the export (real header values), the target forms. */
    PRIVATE,
    /** A session with its CSRF token, or the token. */
    WRITE
  }

  /** Marks, besides its {@link Rule}, a route that takes a multipart form (a file upload). */
  enum Body implements RouteRole {
    MULTIPART
  }

  private final Sessions sessions;
  private final String apiToken;
  private final boolean openReads;

  Access(Sessions sessions, String apiToken, boolean openReads) {
    this.sessions = sessions;
    this.apiToken = apiToken;
    this.openReads = openReads;
  }

  /** How a request is authenticated. */
  enum Kind {
    ANONYMOUS,
    SESSION,
    TOKEN
  }

  /** The caller of a request; {@code csrfToken} is the session's, "" without a session. */
  record Caller(Kind kind, String csrfToken) {
    static final Caller ANONYMOUS = new Caller(Kind.ANONYMOUS, "");
    static final Caller TOKEN = new Caller(Kind.TOKEN, "");

    Caller {
      if ((kind == Kind.SESSION) == csrfToken.isEmpty()) {
        throw new IllegalArgumentException("a CSRF token belongs to sessions, and every session has one");
      }
    }

    static Caller session(String csrfToken) {
      return new Caller(Kind.SESSION, csrfToken);
    }

    boolean loggedIn() {
      return kind != Kind.ANONYMOUS;
    }
  }

  /** The caller established by {@link #check}. */
  static Caller caller(Context ctx) {
    Caller c = ctx.attribute(ATTRIBUTE);
    return c == null ? Caller.ANONYMOUS : c;
  }

  /** Whether errors are answered as JSON (API) rather than as a page; presentation only, not access. */
  static boolean isApi(Context ctx) {
    return ctx.path().startsWith("/api/");
  }

  /** The rule of the matched route; a route without one is treated as needing a login. */
  private static Rule rule(Context ctx) {
    for (RouteRole role : ctx.routeRoles()) {
      if (role instanceof Rule r) {
        return r;
      }
    }
    return ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD ? Rule.PRIVATE : Rule.WRITE;
  }

  /** The before-matched handler: authenticates, then allows the request or throws 401/403/411/413/415. */
  void check(Context ctx) {
    Rule rule = rule(ctx);
    boolean multipart = ctx.isMultipart();
    if (multipart && !(rule == Rule.WRITE && ctx.routeRoles().contains(Body.MULTIPART) && ctx.isMultipartFormData())) {
      // Only the forms with a file take multipart, and only from a known caller (checked below, before a byte is read).
      throw new RequestBodyRefusedException(415, "Multipart bodies are not accepted: send application/x-www-form-urlencoded or JSON.");
    }
    if (rule == Rule.ASSET || rule == Rule.PUBLIC) {
      limitUnauthenticatedBody(ctx);
      if (rule == Rule.PUBLIC) {
        // The login form authenticates itself; a session is still recognised (already logged in).
        ctx.attribute(ATTRIBUTE, sessionCaller(ctx).orElse(Caller.ANONYMOUS));
      }
      return;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          || !Sessions.constantTimeEquals(apiToken, authorization.substring(7).strip())) {
        throw new UnauthorizedException("The API token is not valid: send Authorization: Bearer <web.api-token>.");
      }
      ctx.attribute(ATTRIBUTE, Caller.TOKEN);
      if (multipart) {
        limitMultipartBody(ctx);
      }
      return;
    }
    Caller caller = sessionCaller(ctx).orElse(Caller.ANONYMOUS);
    ctx.attribute(ATTRIBUTE, caller);
    if (!caller.loggedIn()) {
      if (rule == Rule.READ && openReads) {
        return;
      }
      throw new UnauthorizedException(
          isApi(ctx) ? "Authentication required: send Authorization: Bearer <web.api-token>." : "Please log in.");
    }
    if (rule != Rule.WRITE) {
      return;
    }
    if (multipart) {
      limitMultipartBody(ctx); // the CSRF field below is read from the body
    }
    // A session writing: the CSRF token must come back (header for scripts, form field for forms).
    String sent = isApi(ctx) ? ctx.header(CSRF_HEADER) : formCsrf(ctx);
    if (!Sessions.constantTimeEquals(caller.csrfToken(), sent)) {
      throw new ForbiddenException("The form has expired or did not come from this site (CSRF check failed); reload the page and try again.");
    }
  }

  /**
   * Nobody is known yet, so the body must be small and say so up front: without a Content-Length
   * (chunked) it is refused before a byte of it is read.
   */
  private static void limitUnauthenticatedBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    if (length > PUBLIC_MAX_BODY_BYTES) {
      throw new RequestBodyRefusedException(413, "The request body is too large: at most " + PUBLIC_MAX_BODY_BYTES + " bytes here.");
    }
    if (length < 0 && ctx.header("Transfer-Encoding") != null) {
      throw new RequestBodyRefusedException(411, "Send the request body with a Content-Length.");
    }
  }

  /** A multipart body must say its length up front, and the length must be within {@link #MAX_MULTIPART_BYTES}. */
  private static void limitMultipartBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    if (length < 0) {
      throw new RequestBodyRefusedException(411, "Send the form with a Content-Length.");
    }
    if (length > MAX_MULTIPART_BYTES) {
      throw new RequestBodyRefusedException(413, "The form is too large: at most " + MAX_MULTIPART_BYTES / 1024 + " KiB.");
    }
  }

  private static String formCsrf(Context ctx) {
    if (ctx.isFormUrlencoded() || ctx.isMultipartFormData()) {
      return ctx.formParam(CSRF_FIELD);
    }
    return ctx.header(CSRF_HEADER);
  }

  private Optional<Caller> sessionCaller(Context ctx) {
    String cookie = ctx.cookie(SESSION_COOKIE);
    if (cookie == null) {
      return Optional.empty();
    }
    return sessions.find(cookie).map(s -> Caller.session(s.csrfToken()));
  }
}
