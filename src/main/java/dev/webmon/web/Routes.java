package dev.webmon.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/**
 * Registers routes, each with its {@link Access.Rule} as the route's Javalin role, so that access
 * is decided on the route the router matched, never on the spelling of the path. A GET route also
 * answers HEAD under the same rule (Javalin would otherwise answer a HEAD itself, without a rule).
 */
final class Routes {
  private final RoutesConfig routes;

  Routes(RoutesConfig routes) {
    this.routes = routes;
  }

  void get(String path, Access.Rule rule, Handler handler) {
    routes.get(path, handler, rule);
    routes.head(path, handler, rule);
  }

  void post(String path, Access.Rule rule, Handler handler) {
    routes.post(path, handler, rule);
  }

  /** A form post that may carry a file: {@link Access.Rule#WRITE}, and multipart is accepted ({@link Access.Body}). */
  void postMultipart(String path, Handler handler) {
    routes.post(path, handler, Access.Rule.WRITE, Access.Body.MULTIPART);
  }

  void put(String path, Access.Rule rule, Handler handler) {
    routes.put(path, handler, rule);
  }

  void delete(String path, Access.Rule rule, Handler handler) {
    routes.delete(path, handler, rule);
  }
}
