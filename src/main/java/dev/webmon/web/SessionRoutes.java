package dev.webmon.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Map;

/**
 * Sessions: the login form, logging in (one admin user, throttled per client address and per user
 * name, with a double-submit token against login CSRF) and logging out.
 */
final class SessionRoutes {
  static final String ADMIN_USER = "admin";

  private final Views views;
  private final Sessions sessions;
  private final PasswordHasher password;
  private final LoginThrottle throttle;
  private final ClientAddress clients;
  private final WebConfig config;

  SessionRoutes(
      Views views, Sessions sessions, PasswordHasher password, LoginThrottle throttle, ClientAddress clients, WebConfig config) {
    this.views = views;
    this.sessions = sessions;
    this.password = password;
    this.throttle = throttle;
    this.clients = clients;
    this.config = config;
  }

  void register(Routes r) {
    r.get("/", Access.Rule.READ, ctx -> ctx.redirect("/targets"));
    r.get("/login", Access.Rule.PUBLIC, this::loginForm);
    r.post("/login", Access.Rule.PUBLIC, this::login);
    r.post("/logout", Access.Rule.WRITE, this::logout);
  }

  private void loginForm(Context ctx) {
    if (Access.caller(ctx).kind() == Access.Kind.SESSION) {
      ctx.redirect(safeNext(ctx.queryParam("next")));
      return;
    }
    renderLogin(ctx, 200, "");
  }

  private void renderLogin(Context ctx, int status, String error) {
    String token = Sessions.randomToken();
    // Double-submit token against login CSRF: the form field must equal this cookie.
    Cookies.set(ctx, config, Access.LOGIN_COOKIE, token, Duration.ofHours(1), "Strict");
    Map<String, Object> m = Views.page(ctx, "Log in");
    m.put("loginToken", token);
    m.put("next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
    m.put("error", error);
    m.put("user", ADMIN_USER);
    ctx.status(status).html(views.render("login", m));
  }

  private void login(Context ctx) {
    String cookie = ctx.cookie(Access.LOGIN_COOKIE);
    if (cookie == null || !Sessions.constantTimeEquals(cookie, ctx.formParam("_login"))) {
      renderLogin(ctx, 403, "The login form expired; please try again.");
      return;
    }
    String user = ctx.formParam("user") == null ? "" : ctx.formParam("user").strip();
    // Counted as a failure before bcrypt runs, so concurrent guesses cannot all pass the throttle.
    LoginThrottle.Attempt attempt = throttle.begin(clients.of(ctx), user);
    boolean ok = user.equals(ADMIN_USER) & password.matches(ctx.formParam("password"));
    if (!ok) {
      renderLogin(ctx, 401, "Wrong user name or password.");
      return;
    }
    attempt.succeeded();
    Sessions.Session session = sessions.create();
    Cookies.set(ctx, config, Access.SESSION_COOKIE, session.cookieValue(), sessions.timeout(), "Lax");
    Cookies.clear(ctx, config, Access.LOGIN_COOKIE);
    ctx.redirect(safeNext(ctx.formParam("next")), HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    sessions.delete(ctx.cookie(Access.SESSION_COOKIE));
    Cookies.clear(ctx, config, Access.SESSION_COOKIE);
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  /** Only local paths, never another site ("//evil" or "https://..."). */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.length() > 2000
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/targets";
    }
    return next;
  }
}
