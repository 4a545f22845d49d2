package dev.webmon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The answer to a request Jetty refuses before any route sees it (a path with {@code %00} or an
 * ambiguous encoding, a malformed header): the API's JSON error {@code {status, error, message}},
 * unless the client asks for HTML (a browser), which keeps Jetty's page. Thread-safe.
 */
final class JettyErrors extends ErrorHandler {
  JettyErrors() {
    setDefaultResponseMimeType("application/json");
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", code);
    body.put("error", ErrorMapper.code(code));
    String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    body.put("message", code < 500 ? "The request is malformed (" + reason + "); nothing was read or changed." : reason);
    try {
      writer.write(Json.MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an error", e);
    }
  }
}
