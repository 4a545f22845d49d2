package dev.webmon.web;

import io.javalin.http.Context;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Server-side HTML from Pebble templates under {@code web/templates/}, with auto-escaping on: every
 * {@code {{ value }}} is HTML-escaped unless a template explicitly marks it raw (only {@code
 * status_post.peb} does, for the HTML that {@link Markdown} sanitised).
 * Thread-safe; templates are compiled once and cached.
 */
final class Views {
  private final PebbleEngine engine;

  Views() {
    ClasspathLoader loader = new ClasspathLoader(Views.class.getClassLoader());
    loader.setPrefix("web/templates/");
    loader.setSuffix(".peb");
    this.engine =
        new PebbleEngine.Builder()
            .loader(loader)
            .autoEscaping(true)
            .defaultEscapingStrategy("html")
            .strictVariables(true)
            .newLineTrimming(true)
            .defaultLocale(Locale.ROOT)
            .build();
  }

  /**
   * The model every page starts from, for the layout ({@code base.peb}): the title, whether the
   * caller is logged in, the session's CSRF token for forms ("" without a session) and the path.
   */
  static Map<String, Object> page(Context ctx, String title) {
    Access.Caller caller = Access.caller(ctx);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    m.put("loggedIn", caller.kind() == Access.Kind.SESSION);
    m.put("csrf", caller.csrfToken());
    m.put("path", ctx.path());
    return m;
  }

  String render(String template, Map<String, Object> model) {
    PebbleTemplate t = engine.getTemplate(template);
    StringWriter out = new StringWriter(8192);
    try {
      t.evaluate(out, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
