package dev.webmon.web;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.Jdbc;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetList;
import dev.webmon.store.Targets;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The targets of the REST API under {@code /api/v1}: list, create, read, replace, delete, and the
 * YAML export and import; plus the API's description {@code web/openapi.json}.
 */
final class TargetApiRoutes {
  private static final YAMLMapper YAML =
      YAMLMapper.builder(YAMLFactory.builder().build())
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private final DataSource dataSource;
  private final TargetService service;
  private final TargetImport importer;
  private final Targets store;
  private final TargetList targets;
  private final Clock clock;
  private final byte[] openApi;

  TargetApiRoutes(
      DataSource dataSource, TargetService service, TargetImport importer, Targets store, TargetList targets, Clock clock) {
    this.dataSource = dataSource;
    this.service = service;
    this.importer = importer;
    this.store = store;
    this.targets = targets;
    this.clock = clock;
    this.openApi = resource("web/openapi.json");
  }

  void register(Routes r) {
    String base = RouteParams.API;
    r.get(base + "/openapi.json", Access.Rule.PUBLIC, ctx -> ctx.contentType("application/json; charset=utf-8").result(openApi));
    r.get(base + "/targets", Access.Rule.READ, this::list);
    r.post(base + "/targets", Access.Rule.WRITE, this::create);
    // The export holds real header values and bodies (credentials): never covered by open reads.
    r.get(base + "/targets/export", Access.Rule.PRIVATE, this::export);
    r.post(base + "/targets/import", Access.Rule.WRITE, this::importTargets);
    r.get(base + "/targets/{id}", Access.Rule.READ, this::get);
    r.put(base + "/targets/{id}", Access.Rule.WRITE, this::update);
    r.delete(base + "/targets/{id}", Access.Rule.WRITE, this::delete);
  }

  private void list(Context ctx) {
    TargetList.Page page = targets.list(RouteParams.targetFilter(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items());
    body.put("page", page.page());
    body.put("size", page.size());
    body.put("total", page.total());
    body.put("pages", page.pages());
    Json.send(ctx, 200, body);
  }

  private void create(Context ctx) {
    TargetRequest request = TargetRequest.fromJson(Json.readObject(ctx), "");
    TargetService.Written w = service.create(request);
    ctx.header("Location", RouteParams.API + "/targets/" + w.spec().id());
    ctx.header("ETag", etag(w.spec()));
    Json.send(ctx, 201, TargetView.of(w.spec(), w.createdAt()));
  }

  private void get(Context ctx) {
    String id = RouteParams.targetId(ctx);
    StoredTarget stored = Jdbc.read(dataSource, c -> store.find(c, id)).orElseThrow(() -> RouteParams.notFound(id));
    ctx.header("ETag", etag(stored.spec()));
    Json.send(ctx, 200, TargetView.of(stored.spec(), stored.createdAt()));
  }

  private void update(Context ctx) {
    String id = RouteParams.targetId(ctx);
    String ifMatch = ctx.header("If-Match");
    long seen = RouteParams.ifMatch(ifMatch, TargetService.ANY_VERSION);
    TargetService.Written w = service.updateIfAt(id, TargetRequest.fromJson(Json.readObject(ctx), ""), seen);
    ctx.header("ETag", etag(w.spec()));
    Json.send(ctx, 200, TargetView.of(w.spec(), w.createdAt()));
  }

  private void delete(Context ctx) {
    service.delete(RouteParams.targetId(ctx));
    ctx.status(204);
  }

  private void export(Context ctx) {
    List<TargetSpec> all = Jdbc.read(dataSource, store::all);
    List<Map<String, Object>> entries = new ArrayList<>();
    all.forEach(s -> entries.add(TargetView.exportEntry(s)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("targets", entries);
    try {
      String yaml =
          "# webmon targets (" + entries.size() + "), exported " + clock.instant()
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
    List<TargetRequest> requests = ImportYaml.parse(ctx.bodyAsBytes());
    TargetImport.Result result = importer.run(requests);
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

  private static String etag(TargetSpec spec) {
    return "\"" + spec.version() + "\"";
  }

  private static byte[] resource(String name) {
    try (InputStream in = TargetApiRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
