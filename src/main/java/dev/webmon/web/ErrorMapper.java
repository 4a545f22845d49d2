package dev.webmon.web;

import dev.webmon.WebmonException;
import dev.webmon.event.InvalidEventException;
import dev.webmon.store.UnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into HTTP answers: JSON under {@code /api/}, an HTML page
 * elsewhere. Known {@link WebmonException}s keep their message (written for the user); anything
 * else is a 500 with an incident id that is also logged, never a stack trace in the response.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private final Views views;

  ErrorMapper(Views views) {
    this.views = views;
  }

  /** The HTTP status of an exception. */
  static int status(Exception e) {
    return switch (e) {
      case ValidationException v -> 400;
      case InvalidEventException v -> 400;
      case UnauthorizedException v -> 401;
      case ForbiddenException v -> 403;
      case NotFoundException v -> 404;
      case ConflictException v -> 409;
      case StateConflictException v -> 409;
      case PreconditionFailedException v -> 412;
      case TooManyRequestsException v -> 429;
      case RequestBodyRefusedException v -> v.status();
      case UnavailableException v -> 503;
      case HttpResponseException h -> h.getStatus();
      default -> 500;
    };
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 411 -> "length_required";
      case 412 -> "precondition_failed";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }

  void register(RoutesConfig routes) {
    routes.exception(Exception.class, this::handle);
    // Javalin maps its own HttpResponseExceptions (a body over the size limit, ...) in its format
    // unless the class itself has a handler: they get ours too.
    routes.exception(HttpResponseException.class, this::handle);
    routes.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        respond(ctx, 404, "Not found: " + ctx.method() + " " + ctx.path(), List.of());
      }
    });
    routes.error(405, ctx -> respond(ctx, 405, "Method " + ctx.method() + " is not allowed on " + ctx.path(), List.of()));
  }

  void handle(Exception e, Context ctx) {
    int status = status(e);
    List<FieldError> fields = List.of();
    String message;
    if (e instanceof ValidationException v) {
      fields = v.errors();
      message = "Invalid input: " + v.getMessage();
    } else if (e instanceof InvalidEventException v) {
      fields = List.of(new FieldError(TargetValidator.apiField(v.field()), v.getMessage()));
      message = "Invalid input: " + v.getMessage();
    } else if (status == 500) {
      String incident = UUID.randomUUID().toString().substring(0, 8);
      LOG.error("incident {}: {} {} failed", incident, ctx.method(), ctx.path(), e);
      message = "Internal error (incident " + incident + "); the server log has the details.";
    } else if (e instanceof HttpResponseException) {
      message =
          status == 413
              ? "The request body is too large: at most " + Json.MAX_BODY_BYTES + " bytes."
              : e.getMessage() == null || e.getMessage().isBlank() ? "Request refused (" + status + ")." : e.getMessage();
    } else {
      message = e.getMessage();
      if (status == 503) {
        LOG.warn("{} {}: {}", ctx.method(), ctx.path(), message);
      }
    }
    if (e instanceof UnauthorizedException && !Access.isApi(ctx)) {
      String next = ctx.method().toString().equals("GET") ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) : "/";
      ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      return;
    }
    if (status == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"webmon\"");
    }
    if (status == 503 || status == 429) {
      ctx.header("Retry-After", "5");
    } else if (e instanceof ConflictException) {
      ctx.header("Retry-After", "1");
    }
    respond(ctx, status, message, fields);
  }

  private void respond(Context ctx, int status, String message, List<FieldError> fields) {
    if (Access.isApi(ctx)) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", status);
      body.put("error", code(status));
      body.put("message", message);
      if (!fields.isEmpty()) {
        body.put("fields", fields);
      }
      Json.send(ctx, status, body);
      return;
    }
    Map<String, Object> model = Views.page(ctx, "Error " + status);
    model.put("status", status);
    model.put("message", message);
    model.put("fields", fields);
    ctx.status(status).html(views.render("error", model));
  }
}
