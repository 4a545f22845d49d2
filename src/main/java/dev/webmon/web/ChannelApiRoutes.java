package dev.webmon.web;

import dev.webmon.store.ChannelWrites;
import dev.webmon.store.DeliveryLog;
import dev.webmon.store.IncidentReads;
import io.javalin.http.Context;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The channels of the REST API ({@code /api/v1/channels}: list, create, read, replace, delete,
 * send a test, recent deliveries) and an incident's delivery log ({@code
 * /api/v1/incidents/{id}/deliveries}).
 */
final class ChannelApiRoutes {
  private static final String BASE = RouteParams.API + "/channels";
  /** Attempts listed by {@code GET /api/v1/channels/{id}/deliveries}. */
  static final int CHANNEL_ATTEMPTS = 50;

  private final ChannelService service;
  private final Deliveries deliveries;
  private final IncidentReads incidents;

  ChannelApiRoutes(ChannelService service, Deliveries deliveries, IncidentReads incidents) {
    this.service = service;
    this.deliveries = deliveries;
    this.incidents = incidents;
  }

  void register(Routes r) {
    // PRIVATE even with open reads: channels name receivers (addresses, chat ids, hosts) and their
    // deliveries carry the receivers' replies.
    r.get(BASE, Access.Rule.PRIVATE, this::list);
    r.post(BASE, Access.Rule.WRITE, this::create);
    r.get(BASE + "/{id}", Access.Rule.PRIVATE, this::get);
    r.put(BASE + "/{id}", Access.Rule.WRITE, this::update);
    r.delete(BASE + "/{id}", Access.Rule.WRITE, this::delete);
    r.post(BASE + "/{id}/test", Access.Rule.WRITE, this::test);
    r.get(BASE + "/{id}/deliveries", Access.Rule.PRIVATE, this::channelDeliveries);
    r.get(RouteParams.API + "/incidents/{id}/deliveries", Access.Rule.PRIVATE, this::incidentDeliveries);
  }

  private void list(Context ctx) {
    Json.send(ctx, 200, Map.of("items", service.all().stream().map(ChannelView::of).toList()));
  }

  private void create(Context ctx) {
    ChannelWrites.Row row = service.create(ChannelRequest.fromJson(Json.readObject(ctx)));
    ctx.header("Location", BASE + "/" + row.id());
    ctx.header("ETag", etag(row));
    Json.send(ctx, 201, ChannelView.of(row));
  }

  private void get(Context ctx) {
    ChannelWrites.Row row = service.stored(id(ctx));
    ctx.header("ETag", etag(row));
    Json.send(ctx, 200, ChannelView.of(row));
  }

  private void update(Context ctx) {
    String id = id(ctx);
    String ifMatch = ctx.header("If-Match");
    long seen = RouteParams.ifMatch(ifMatch, ChannelService.ANY_VERSION);
    ChannelWrites.Row row = service.update(id, ChannelRequest.fromJson(Json.readObject(ctx)), seen);
    ctx.header("ETag", etag(row));
    Json.send(ctx, 200, ChannelView.of(row));
  }

  private void delete(Context ctx) {
    service.delete(id(ctx));
    ctx.status(204);
  }

  private void test(Context ctx) {
    Json.send(ctx, 200, ChannelView.test(service.test(id(ctx), webBase(ctx))));
  }

  private void channelDeliveries(Context ctx) {
    String id = id(ctx);
    service.stored(id);
    List<DeliveryLog.Attempt> attempts = deliveries.ofChannel(id, CHANNEL_ATTEMPTS);
    Json.send(ctx, 200, Map.of("items", attempts.stream().map(ChannelView::attempt).toList()));
  }

  private void incidentDeliveries(Context ctx) {
    UUID id = IncidentRoutes.incidentId(ctx);
    incidents.find(id).orElseThrow(() -> new NotFoundException("no incident with id '" + id + "'"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("incidentId", id);
    body.put("items", deliveries.ofIncident(id).stream().map(ChannelView::attempt).toList());
    Json.send(ctx, 200, body);
  }

  /** The web UI's base URL as this request reached it: the links of a test notification. */
  static URI webBase(Context ctx) {
    try {
      return new URI(ctx.scheme(), ctx.host() == null ? "localhost" : ctx.host(), "/", null, null);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return URI.create("http://localhost/"); // a Host header that is no host: links are only for people
    }
  }

  /** The {id} path parameter; anything that cannot be a channel id is simply not found. */
  static String id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[a-z0-9-]{1,64}")) {
      throw ChannelService.notFound(id.length() > 64 ? id.substring(0, 64) + "..." : id);
    }
    return id;
  }

  private static String etag(ChannelWrites.Row r) {
    return "\"" + r.version() + "\"";
  }
}
