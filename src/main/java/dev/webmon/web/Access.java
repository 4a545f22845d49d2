package dev.webmon.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling and what they may do, decided before every request.
 *
 * <ul>
 *   <li>API ({@code /api/}): {@code Authorization: Bearer <web.api-token>} for everything; a UI
 *       session may read, and may write only with its CSRF token in {@code X-CSRF-Token}. Reads
 *       are open to anyone when {@code web.open-reads=true}. Otherwise 401.
 *   <li>UI: a session (login form) for pages; every form post must carry the session's CSRF
 *       token. Pages are open when {@code web.open-reads=true}; without a session a page
 *       redirects to the login form.
 *   <li>Always open: the login form, static assets, {@code /healthz} and the OpenAPI document.
 * </ul>
 *
 * Thread-safe.
 */
final class Access {
  static final String SESSION_COOKIE = "webmon_session";
  static final String LOGIN_COOKIE = "webmon_login";
  static final String CSRF_FIELD = "_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String ATTRIBUTE = "webmon.caller";

  private static final Set<String> PUBLIC_EXACT = Set.of("/login", "/healthz", "/api/v1/openapi.json", "/favicon.ico");

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

  static boolean isApi(Context ctx) {
    return ctx.path().startsWith("/api/");
  }

  /** The before-handler: authenticates, then allows the request or throws 401/403. */
  void check(Context ctx) {
    String path = ctx.path();
    boolean read = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
    if (path.startsWith("/static/") || path.equals("/healthz") || path.equals("/favicon.ico")) {
      return; // assets and the health check: no session lookup, no database round trip
    }
    if (PUBLIC_EXACT.contains(path)) {
      // The login form authenticates itself; a session is still recognised (already logged in).
      ctx.attribute(ATTRIBUTE, sessionCaller(ctx).orElse(Caller.ANONYMOUS));
      return;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          || !Sessions.constantTimeEquals(apiToken, authorization.substring(7).strip())) {
        throw new UnauthorizedException("The API token is not valid: send Authorization: Bearer <web.api-token>.");
      }
      ctx.attribute(ATTRIBUTE, Caller.TOKEN);
      return;
    }
    Caller caller = sessionCaller(ctx).orElse(Caller.ANONYMOUS);
    ctx.attribute(ATTRIBUTE, caller);
    if (read) {
      if (caller.loggedIn() || (openReads && !isExport(path))) {
        return;
      }
      throw new UnauthorizedException(
          isApi(ctx) ? "Authentication required: send Authorization: Bearer <web.api-token>." : "Please log in.");
    }
    if (!caller.loggedIn()) {
      throw new UnauthorizedException(
          isApi(ctx) ? "Authentication required: send Authorization: Bearer <web.api-token>." : "Please log in.");
    }
    // A session writing: the CSRF token must come back (header for scripts, form field for forms).
    String sent = isApi(ctx) ? ctx.header(CSRF_HEADER) : formCsrf(ctx);
    if (!Sessions.constantTimeEquals(caller.csrfToken(), sent)) {
      throw new ForbiddenException("The form has expired or did not come from this site (CSRF check failed); reload the page and try again.");
    }
  }

  private static String formCsrf(Context ctx) {
    if (ctx.isFormUrlencoded() || ctx.isMultipartFormData()) {
      return ctx.formParam(CSRF_FIELD);
    }
    return ctx.header(CSRF_HEADER);
  }

  /** The export holds header values (credentials), so open reads never cover it. */
  private static boolean isExport(String path) {
    return path.equals("/api/v1/targets/export");
  }

  private Optional<Caller> sessionCaller(Context ctx) {
    String cookie = ctx.cookie(SESSION_COOKIE);
    if (cookie == null) {
      return Optional.empty();
    }
    return sessions.find(cookie).map(s -> Caller.session(s.csrfToken()));
  }
}
