package dev.webmon.web;

import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The web app's request meter, {@code http_server_requests_seconds{method,route,status}} in
 * Prometheus: {@code route} is the matched route's pattern ({@code /api/v1/targets/{id}}), {@code
 * /static/*} for assets and {@code unmatched} otherwise, so the series stay few whatever paths
 * clients send. A request refused before routing (401 from the access check) counts under the
 * route it asked for. Thread-safe.
 */
final class HttpMetrics {
  private final MeterRegistry registry;
  private final JavalinState javalin;

  HttpMetrics(MeterRegistry registry, JavalinState javalin) {
    this.registry = registry;
    this.javalin = javalin;
  }

  /** Javalin's request logger: called once per request, after the response. */
  void record(Context ctx, Float millis) {
    Timer.builder("http.server.requests")
        .description("Requests the web app answered, by method, route and status")
        .tag("method", ctx.method().name())
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record((long) (millis * 1_000_000.0), TimeUnit.NANOSECONDS);
  }

  private String route(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    if (matched != null) {
      return matched.path;
    }
    ParsedEndpoint asked = javalin.internalRouter.findFirstHttpHandlerEntry(ctx.method(), ctx.path());
    if (asked != null) {
      return asked.endpoint.path;
    }
    return ctx.path().startsWith("/static/") ? "/static/*" : "unmatched";
  }
}
