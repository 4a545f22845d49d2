package dev.webmon.web;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * Server-side HTML from Pebble templates under {@code web/templates/}, with auto-escaping on: every
 * {@code {{ value }}} is HTML-escaped unless a template explicitly marks it raw (none does).
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
