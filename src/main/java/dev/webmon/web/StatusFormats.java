package dev.webmon.web;

import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A {@link StatusModel} as machine-readable documents: the stable JSON of {@code
 * /status/{slug}.json} (docs/api.md) and the Atom feed (RFC 4287) of its posts; and the
 * shields-style SVG badges. Stateless.
 */
final class StatusFormats {
  /** Posts of the history in the JSON and the feed (the active ones are always all there). */
  static final int HISTORY = 50;

  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private StatusFormats() {}

  static String shown(Instant at) {
    return SHOWN.format(at);
  }

  static String percent(Optional<Double> p) {
    return p.map(v -> floor2(v) + " %").orElse("–");
  }

  /**
   * {@code v} rounded down to two decimals, as {@code String.format("%.2f", Math.floor(v * 100) /
   * 100)} prints it, without the formatter (a page has thousands of these); {@code v} >= 0.
   */
  static String floor2(double v) {
    long cents = (long) Math.floor(v * 100);
    long rest = cents % 100;
    return (cents / 100) + (rest < 10 ? ".0" : ".") + rest;
  }

  private static Map<String, Object> windows(StatusModel.Uptime u) {
    Map<String, Object> uptime = new LinkedHashMap<>();
    uptime.put("24h", u.day().orElse(null));
    uptime.put("7d", u.week().orElse(null));
    uptime.put("30d", u.month().orElse(null));
    uptime.put("90d", u.quarter().orElse(null));
    return uptime;
  }

  /** The JSON document; stable: fields are only ever added. */
  static Map<String, Object> json(StatusModel m) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("slug", m.page().slug());
    page.put("title", m.page().title());
    page.put("description", m.page().description());
    page.put("url", "/status/" + m.page().slug());
    List<Object> components = new ArrayList<>();
    for (StatusModel.ComponentView c : m.components()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", c.name());
      o.put("status", c.state());
      o.put("uptime", windows(c.uptime()));
      o.put("uptimeExcludingMaintenance", windows(c.uptimeExcludingMaintenance()));
      List<Object> days = new ArrayList<>();
      for (StatusModel.Day d : c.days()) {
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("date", d.date());
        day.put("uptime", d.uptime().orElse(null));
        day.put("incidents", d.incidents());
        if (d.maintenance()) {
          day.put("uptimeExcludingMaintenance", d.uptimeExcludingMaintenance().orElse(null));
        }
        days.add(day);
      }
      o.put("days", days);
      if (m.page().showUrls()) {
        o.put("urls", c.urls());
      }
      components.add(o);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("page", page);
    doc.put("status", m.state());
    doc.put("generatedAt", m.generatedAt().truncatedTo(ChronoUnit.MILLIS).toString());
    doc.put("components", components);
    doc.put("activePosts", m.active().stream().map(StatusFormats::post).toList());
    doc.put("pastPosts", m.history().stream().limit(HISTORY).map(StatusFormats::post).toList());
    doc.put("maintenance", m.maintenance().upcoming().stream().map(StatusFormats::maintenance).toList());
    return doc;
  }

  /** A scheduled maintenance occurrence; {@code zone} is absent for a one-off window (UTC instants). */
  private static Map<String, Object> maintenance(StatusMaintenance.Shown s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("title", s.title());
    o.put("description", s.description());
    o.put("start", s.start().toString());
    o.put("end", s.end().toString());
    if (!s.zone().isEmpty()) {
      o.put("zone", s.zone());
    }
    o.put("active", s.active());
    return o;
  }

  private static Map<String, Object> post(StatusModel.PostView p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", p.id());
    o.put("kind", p.kind());
    o.put("title", p.title());
    o.put("status", p.status());
    o.put("createdAt", p.createdAt().toString());
    o.put("updatedAt", p.updatedAt().toString());
    o.put(
        "updates",
        p.updates().stream()
            .map(u -> Map.of("status", u.status(), "at", u.at().toString(), "body", u.text()))
            .toList());
    return o;
  }

  /** The Atom feed of the page's posts; {@code base} is the site's origin, e.g. {@code https://status.example}. */
  static String atom(StatusModel m, String base) {
    String pageUrl = base + "/status/" + m.page().slug();
    List<StatusModel.PostView> entries = new ArrayList<>(m.active());
    m.history().stream().limit(HISTORY).forEach(entries::add);
    Instant updated = entries.stream().map(StatusModel.PostView::updatedAt).max(Instant::compareTo).orElse(m.page().updatedAt());
    StringWriter out = new StringWriter(4096);
    try {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("feed");
      x.writeDefaultNamespace("http://www.w3.org/2005/Atom");
      element(x, "id", "urn:webmon:status:" + m.page().slug());
      element(x, "title", m.page().title());
      element(x, "updated", updated.truncatedTo(ChronoUnit.SECONDS).toString());
      link(x, "self", pageUrl + "/feed.atom");
      link(x, "alternate", pageUrl);
      x.writeStartElement("author");
      element(x, "name", m.page().title());
      x.writeEndElement();
      for (StatusModel.PostView p : entries) {
        x.writeStartElement("entry");
        element(x, "id", "urn:webmon:status:" + m.page().slug() + ":" + p.id());
        element(x, "title", "[" + p.status() + "] " + p.title());
        element(x, "updated", p.updatedAt().truncatedTo(ChronoUnit.SECONDS).toString());
        element(x, "published", p.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
        link(x, "alternate", pageUrl + "#" + p.id());
        StringBuilder html = new StringBuilder();
        for (StatusModel.Entry e : p.updates()) {
          html.append("<p><strong>").append(e.status()).append("</strong> · ").append(shown(e.at())).append("</p>").append(e.html());
        }
        x.writeStartElement("content");
        x.writeAttribute("type", "html");
        x.writeCharacters(html.toString());
        x.writeEndElement();
        x.writeEndElement();
      }
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write the Atom feed", e);
    }
    return out.toString();
  }

  private static void element(XMLStreamWriter x, String name, String text) throws XMLStreamException {
    x.writeStartElement(name);
    x.writeCharacters(text);
    x.writeEndElement();
  }

  private static void link(XMLStreamWriter x, String rel, String href) throws XMLStreamException {
    x.writeEmptyElement("link");
    x.writeAttribute("rel", rel);
    x.writeAttribute("href", href);
  }

  /** A shields-style ("flat") badge: grey label, coloured value. */
  static String badge(String label, String value, String colour) {
    int lw = textWidth(label) + 10;
    int vw = textWidth(value) + 10;
    int w = lw + vw;
    String l = StatusModel.escape(label);
    String v = StatusModel.escape(value);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"20\" role=\"img\" aria-label=\"" + l + ": " + v + "\">"
        + "<title>" + l + ": " + v + "</title>"
        + "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>"
        + "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
        + "<clipPath id=\"r\"><rect width=\"" + w + "\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>"
        + "<g clip-path=\"url(#r)\"><rect width=\"" + lw + "\" height=\"20\" fill=\"#555\"/>"
        + "<rect x=\"" + lw + "\" width=\"" + vw + "\" height=\"20\" fill=\"" + colour + "\"/>"
        + "<rect width=\"" + w + "\" height=\"20\" fill=\"url(#s)\"/></g>"
        + "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">"
        + "<text x=\"" + lw / 2.0 + "\" y=\"14\">" + l + "</text>"
        + "<text x=\"" + (lw + vw / 2.0) + "\" y=\"14\">" + v + "</text></g></svg>";
  }

  /** Approximate width in pixels of Verdana 11 px (shields measures; 7 px a character is close enough). */
  private static int textWidth(String s) {
    return (int) Math.ceil(s.codePointCount(0, s.length()) * 7.0);
  }
}
