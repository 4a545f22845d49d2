package dev.webmon.web;

import io.javalin.http.Context;
import java.time.Duration;

/** Writes the app's cookies: always HttpOnly, Path=/, SameSite as asked, Secure per {@code web.cookie-secure}. */
final class Cookies {
  private Cookies() {}

  static void set(Context ctx, WebConfig config, String name, String value, Duration maxAge, String sameSite) {
    StringBuilder c = new StringBuilder();
    c.append(name).append('=').append(value)
        .append("; Path=/; Max-Age=").append(maxAge.toSeconds())
        .append("; HttpOnly; SameSite=").append(sameSite);
    if (secure(ctx, config)) {
      c.append("; Secure");
    }
    ctx.res().addHeader("Set-Cookie", c.toString());
  }

  static void clear(Context ctx, WebConfig config, String name) {
    set(ctx, config, name, "", Duration.ZERO, "Lax");
  }

  static boolean secure(Context ctx, WebConfig config) {
    return switch (config.cookieSecure()) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    };
  }
}
