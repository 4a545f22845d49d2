package dev.webmon.web;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The web app's request meter, {@code http_server_requests_seconds{method,route,status}} in
 * Prometheus: {@code route} is the matched route's pattern ({@code /api/v1/targets/{id}}), {@code
 * /static/*} for assets and {@code unmatched} otherwise, so the series stay few whatever paths
 * clients send. Thread-safe.
 */
final class HttpMetrics {
  private final MeterRegistry registry;

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
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

  private static String route(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    if (matched != null) {
      return matched.path;
    }
    return ctx.path().startsWith("/static/") ? "/static/*" : "unmatched";
  }
}
