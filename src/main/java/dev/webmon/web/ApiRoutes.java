package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.ChartSeries;
import dev.webmon.store.Jdbc;
import dev.webmon.store.ResultPages;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetList;
import dev.webmon.store.Targets;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The REST API under {@code /api/v1}; documented in {@code web/openapi.json}. */
final class ApiRoutes {
  static final String BASE = "/api/v1";

  private static final YAMLMapper YAML =
      YAMLMapper.builder(YAMLFactory.builder().build())
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private final DataSource dataSource;
  private final TargetService service;
  private final Targets store;
  private final TargetList targets;
  private final ResultReads results;
  private final byte[] openApi;

  ApiRoutes(DataSource dataSource, TargetService service, Targets store, TargetList targets, ResultReads results) {
    this.dataSource = dataSource;
    this.service = service;
    this.store = store;
    this.targets = targets;
    this.results = results;
    this.openApi = resource("web/openapi.json");
  }

  void register(RoutesConfig r) {
    r.get(BASE + "/openapi.json", ctx -> ctx.contentType("application/json; charset=utf-8").result(openApi));
    r.get(BASE + "/targets", this::list);
    r.post(BASE + "/targets", this::create);
    r.get(BASE + "/targets/export", this::export);
    r.post(BASE + "/targets/import", this::importTargets);
    r.get(BASE + "/targets/{id}", this::get);
    r.put(BASE + "/targets/{id}", this::update);
    r.delete(BASE + "/targets/{id}", this::delete);
    r.get(BASE + "/targets/{id}/results", this::results);
    r.get(BASE + "/targets/{id}/stats", this::stats);
    r.get(BASE + "/targets/{id}/series", this::series);
  }

  private void list(Context ctx) {
    TargetList.Filter filter = filter(ctx);
    TargetList.Page page = targets.list(filter);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items());
    body.put("page", page.page());
    body.put("size", page.size());
    body.put("total", page.total());
    body.put("pages", page.pages());
    Json.send(ctx, 200, body);
  }

  /** The list filter from query parameters (shared with the UI list). */
  static TargetList.Filter filter(Context ctx) {
    Optional<String> q = param(ctx, "q");
    Optional<TargetList.Status> status =
        param(ctx, "status")
            .map(
                s -> {
                  try {
                    return TargetList.Status.valueOf(s.toUpperCase(Locale.ROOT));
                  } catch (IllegalArgumentException e) {
                    throw new ValidationException("status", "must be one of up, down, degraded, unknown");
                  }
                });
    Optional<String> tag = param(ctx, "tag");
    Optional<Integer> interval = param(ctx, "interval").map(s -> intParam("interval", s, 1, Integer.MAX_VALUE));
    String sort = param(ctx, "sort").orElse("name");
    int page = param(ctx, "page").map(s -> intParam("page", s, 1, TargetList.MAX_PAGE)).orElse(1);
    int size =
        param(ctx, "size").map(s -> intParam("size", s, 1, TargetList.MAX_PAGE_SIZE)).orElse(TargetList.DEFAULT_PAGE_SIZE);
    return ListFilter.of(q, status, tag, interval, sort, page, size);
  }

  private void create(Context ctx) {
    TargetRequest request = TargetRequest.fromJson(Json.readObject(ctx), "");
    TargetService.Written w = service.create(request);
    ctx.header("Location", BASE + "/targets/" + w.spec().id());
    ctx.header("ETag", etag(w.spec()));
    Json.send(ctx, 201, TargetView.of(w.spec(), w.createdAt()));
  }

  private void get(Context ctx) {
    String id = id(ctx);
    StoredTarget stored = Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> notFound(id));
    ctx.header("ETag", etag(stored.spec()));
    Json.send(ctx, 200, TargetView.of(stored.spec(), stored.createdAt()));
  }

  private void update(Context ctx) {
    String id = id(ctx);
    Optional<Long> ifMatch = Optional.ofNullable(ctx.header("If-Match")).map(ApiRoutes::parseEtag);
    TargetRequest request = TargetRequest.fromJson(Json.readObject(ctx), "");
    TargetService.Written w = service.update(id, request, ifMatch);
    ctx.header("ETag", etag(w.spec()));
    Json.send(ctx, 200, TargetView.of(w.spec(), w.createdAt()));
  }

  private void delete(Context ctx) {
    service.delete(id(ctx));
    ctx.status(204);
  }

  private void results(Context ctx) {
    String id = existingId(ctx);
    Instant to = instantParam(ctx, "to").orElseGet(results::now);
    Instant from = instantParam(ctx, "from").orElse(to.minus(Duration.ofHours(24)));
    if (!from.isBefore(to)) {
      throw new ValidationException("from", "must be before 'to'");
    }
    int limit = param(ctx, "limit").map(s -> intParam("limit", s, 1, ResultPages.MAX_LIMIT)).orElse(100);
    Optional<String> outcome =
        param(ctx, "outcome")
            .map(s -> s.toUpperCase(Locale.ROOT))
            .map(
                s -> {
                  if (!s.equals("UP") && !s.equals("DOWN")) {
                    throw new ValidationException("outcome", "must be UP or DOWN");
                  }
                  return s;
                });
    Json.send(ctx, 200, results.results(id, from, to, limit, param(ctx, "cursor"), location(ctx), outcome));
  }

  private void stats(Context ctx) {
    String id = existingId(ctx);
    Json.send(ctx, 200, results.stats(id, param(ctx, "window").orElse("24h")));
  }

  private void series(Context ctx) {
    String id = id(ctx);
    Instant to;
    Instant from;
    Optional<String> window = param(ctx, "window");
    if (window.isPresent()) {
      Duration length = ChartSeries.WINDOWS.get(window.get());
      if (length == null) {
        throw new ValidationException("window", "must be one of " + String.join(", ", ChartSeries.WINDOWS.keySet()));
      }
      to = results.now();
      from = to.minus(length);
    } else {
      to = instantParam(ctx, "to").orElseGet(results::now);
      from = instantParam(ctx, "from").orElse(to.minus(Duration.ofHours(24)));
    }
    Json.send(ctx, 200, results.series(id, from, to, location(ctx)).orElseThrow(() -> notFound(id)));
  }

  private void export(Context ctx) {
    List<TargetSpec> all = Jdbc.read(dataSource, store::all);
    List<Map<String, Object>> entries = new ArrayList<>();
    all.forEach(s -> entries.add(TargetView.exportEntry(s)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("targets", entries);
    try {
      String yaml =
          "# webmon targets (" + entries.size() + "), exported " + results.now()
              + ". Import with POST /api/v1/targets/import; entries match stored targets by url + name.\n"
              + YAML.writeValueAsString(doc);
      ctx.contentType("application/yaml; charset=utf-8")
          .header("Content-Disposition", "attachment; filename=\"webmon-targets.yaml\"")
          .result(yaml.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void importTargets(Context ctx) {
    List<TargetRequest> requests = parseImport(ctx.bodyAsBytes());
    TargetService.ImportResult result = service.importAll(requests);
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int i = 0; i < result.entries().size(); i++) {
      TargetService.Written w = result.entries().get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("index", i);
      e.put("id", w.spec().id());
      e.put("name", w.spec().name());
      e.put("action", w.action().name().toLowerCase(Locale.ROOT));
      entries.add(e);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("created", result.count(TargetService.Action.CREATED));
    body.put("updated", result.count(TargetService.Action.UPDATED));
    body.put("unchanged", result.count(TargetService.Action.UNCHANGED));
    body.put("targets", entries);
    Json.send(ctx, 200, body);
  }

  /** A YAML (or JSON) document: {@code targets: [...]} or a bare list. */
  static List<TargetRequest> parseImport(byte[] bytes) {
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (IOException e) {
      throw new ValidationException("body", "is not valid YAML: " + Json.shortMessage(e));
    }
    JsonNode list = root != null && root.isObject() ? root.get("targets") : root;
    if (list == null || !list.isArray()) {
      throw new ValidationException("targets", "expected a list of targets (a document with 'targets:' or a bare list)");
    }
    if (list.size() > 100_000) {
      throw new ValidationException("targets", "at most 100000 targets per import");
    }
    List<TargetRequest> requests = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        throw new ValidationException("targets[" + i + "]", "must be a mapping of target fields");
      }
      requests.add(TargetRequest.fromJson(entry, "targets[" + i + "]."));
    }
    return requests;
  }

  // ---------------------------------------------------------------- parameters

  static Optional<String> param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  static int intParam(String name, String text, int min, int max) {
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ValidationException(name, "must be a whole number from " + min + " to " + max);
  }

  static Optional<Instant> instantParam(Context ctx, String name) {
    return param(ctx, name)
        .map(
            s -> {
              try {
                return Instant.parse(s);
              } catch (DateTimeParseException e) {
                throw new ValidationException(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
              }
            });
  }

  private static Optional<String> location(Context ctx) {
    Optional<String> loc = param(ctx, "location");
    loc.ifPresent(
        l -> {
          if (!l.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ValidationException("location", "must be 1-64 characters of [A-Za-z0-9_-]");
          }
        });
    return loc;
  }

  /** The {id} path parameter; anything that cannot be an id is simply not found. */
  static String id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw notFound(id.length() > 64 ? id.substring(0, 64) + "..." : id);
    }
    return id;
  }

  private String existingId(Context ctx) {
    String id = id(ctx);
    if (!Jdbc.read(dataSource, c -> store.exists(c, id))) {
      throw notFound(id);
    }
    return id;
  }

  static NotFoundException notFound(String id) {
    return new NotFoundException("no target with id '" + id + "'");
  }

  static String etag(TargetSpec spec) {
    return "\"" + spec.version() + "\"";
  }

  private static long parseEtag(String header) {
    String v = header.strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    v = v.replace("\"", "");
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ValidationException("If-Match", "must be the ETag of the target, e.g. \"3\"");
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = ApiRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
