package dev.webmon.web;

import dev.webmon.store.DailyUptime;
import dev.webmon.store.Jdbc;
import dev.webmon.store.StatusPageReads;
import dev.webmon.store.StatusPages;
import dev.webmon.store.StatusPosts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Status pages: their management (pages, components, manual posts; validated by {@link
 * StatusRequests}, stored by {@code store.StatusPages} and {@code store.StatusPosts}) and the
 * {@link StatusModel} they show. A model is computed at most once per {@link #CACHE_TTL} per page
 * and web instance (a write through this instance drops it at once; other instances show it
 * within the TTL): with daily uptime precomputed this bounds the page's cost under load to one
 * computation per TTL. Thread-safe.
 */
final class StatusService {
  static final Duration CACHE_TTL = Duration.ofSeconds(15);
  /** Manual posts and incidents a page considers (active ones and the history). */
  static final int MAX_POSTS = 200;

  private final DataSource dataSource;
  private final StatusPages pages = new StatusPages();
  private final StatusPosts posts = new StatusPosts();
  private final StatusPageReads reads = new StatusPageReads();
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Instant at, StatusModel model) {}

  StatusService(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  static NotFoundException notFound(String slug) {
    return new NotFoundException("No status page \"" + (slug.length() > 64 ? slug.substring(0, 64) + "..." : slug) + "\".");
  }

  List<StatusPages.Page> all() {
    return Jdbc.read(dataSource, pages::all);
  }

  Optional<StatusPages.Page> find(String slug) {
    if (!StatusRequests.SLUG.matcher(slug).matches()) {
      return Optional.empty();
    }
    return Jdbc.read(dataSource, c -> pages.find(c, slug));
  }

  StatusPages.Page require(String slug) {
    return find(slug).orElseThrow(() -> notFound(slug));
  }

  List<StatusPages.Component> components(String slug) {
    return Jdbc.read(dataSource, c -> pages.components(c, slug));
  }

  List<StatusPosts.Post> posts(String slug) {
    return Jdbc.read(dataSource, c -> posts.list(c, slug, MAX_POSTS, 0));
  }

  Optional<byte[]> logo(String slug) {
    return Jdbc.read(dataSource, c -> pages.logo(c, slug));
  }

  StatusPages.Page create(StatusRequests.PageRequest r) {
    StatusPages.Page page = new StatusPages.Page(r.slug(), r.title(), r.description(), r.visibility(), r.showUrls(), "", clock.instant());
    Jdbc.transaction(
        dataSource,
        c -> {
          if (!pages.insert(c, page)) {
            throw new ConflictException("A status page \"" + r.slug() + "\" exists already.");
          }
          if (r.logo().isPresent()) {
            pages.setLogo(c, r.slug(), r.logo().get().type(), r.logo().get().bytes(), page.updatedAt());
          }
          return null;
        });
    return require(r.slug());
  }

  StatusPages.Page update(String slug, StatusRequests.PageRequest r) {
    Instant now = clock.instant();
    Jdbc.transaction(
        dataSource,
        c -> {
          if (!pages.update(c, new StatusPages.Page(slug, r.title(), r.description(), r.visibility(), r.showUrls(), "", now))) {
            throw notFound(slug);
          }
          if (r.logo().isPresent()) {
            pages.setLogo(c, slug, r.logo().get().type(), r.logo().get().bytes(), now);
          }
          return null;
        });
    cache.remove(slug);
    return require(slug);
  }

  void delete(String slug) {
    if (!StatusRequests.SLUG.matcher(slug).matches() || !Jdbc.transaction(dataSource, c -> pages.delete(c, slug))) {
      throw notFound(slug);
    }
    cache.remove(slug);
  }

  StatusPages.Component addComponent(String slug, StatusRequests.ComponentRequest r) {
    StatusPages.Component added =
        Jdbc.transaction(
            dataSource,
            c -> {
              if (pages.find(c, slug).isEmpty()) {
                throw notFound(slug);
              }
              List<String> known = pages.targets(c, r.targets()).stream().map(StatusPages.PageTarget::id).toList();
              List<FieldError> errors = new ArrayList<>();
              for (int i = 0; i < r.targets().size(); i++) {
                if (!known.contains(r.targets().get(i))) {
                  errors.add(new FieldError("targets[" + i + "]", "is not the id of a stored target"));
                }
              }
              if (!errors.isEmpty()) {
                throw new ValidationException(errors);
              }
              int position = r.position().isPresent() ? r.position().get() : pages.nextPosition(c, slug);
              return pages
                  .addComponent(c, slug, r.name(), position, r.targets())
                  .orElseThrow(() -> new ValidationException("name", "is taken: the page has a component \"" + r.name() + "\" already"));
            });
    cache.remove(slug);
    return added;
  }

  void deleteComponent(String slug, long id) {
    if (!Jdbc.transaction(dataSource, c -> pages.deleteComponent(c, slug, id))) {
      throw new NotFoundException("Status page \"" + slug + "\" has no component " + id + ".");
    }
    cache.remove(slug);
  }

  StatusPosts.Post addPost(String slug, StatusRequests.PostRequest r) {
    Instant now = clock.instant();
    long id =
        Jdbc.transaction(
            dataSource,
            c -> {
              if (pages.find(c, slug).isEmpty()) {
                throw notFound(slug);
              }
              return posts.insert(c, slug, r.title(), r.status(), r.body(), now);
            });
    cache.remove(slug);
    return post(slug, id);
  }

  StatusPosts.Post addUpdate(String slug, long postId, StatusRequests.UpdateRequest r) {
    Instant now = clock.instant();
    if (!Jdbc.transaction(dataSource, c -> posts.update(c, slug, postId, r.status(), r.body(), now))) {
      throw postNotFound(slug, postId);
    }
    cache.remove(slug);
    return post(slug, postId);
  }

  void deletePost(String slug, long postId) {
    if (!Jdbc.transaction(dataSource, c -> posts.delete(c, slug, postId))) {
      throw postNotFound(slug, postId);
    }
    cache.remove(slug);
  }

  StatusPosts.Post post(String slug, long postId) {
    return Jdbc.read(dataSource, c -> posts.find(c, slug, postId)).orElseThrow(() -> postNotFound(slug, postId));
  }

  private static NotFoundException postNotFound(String slug, long id) {
    return new NotFoundException("Status page \"" + slug + "\" has no post " + id + ".");
  }

  /** What the page shows now (computed at most once per {@link #CACHE_TTL}). */
  StatusModel model(StatusPages.Page page) {
    Instant now = clock.instant();
    Cached c = cache.get(page.slug());
    // A maintenance window starting or ending changes the page: the model holds until then at most.
    if (c != null && c.at().plus(CACHE_TTL).isAfter(now) && !c.at().isAfter(now) && c.model().page().equals(page)
        && now.isBefore(c.model().maintenance().validUntil())) {
      return c.model();
    }
    StatusModel model = compute(page, now);
    cache.put(page.slug(), new Cached(now, model));
    return model;
  }

  private StatusModel compute(StatusPages.Page page, Instant now) {
    StatusPageReads.Page read =
        Jdbc.read(dataSource, c -> reads.read(c, page.slug(), StatusModel.DAYS, now.minus(Duration.ofDays(StatusModel.DAYS)), MAX_POSTS, now));
    Map<String, List<String>> tags = new HashMap<>();
    read.targets().forEach(t -> tags.put(t.id(), t.tags()));
    return StatusModel.build(
        page,
        read.components(),
        read.targets(),
        read.uptime().days(),
        read.uptime().last24Hours(),
        read.incidents(),
        read.posts(),
        StatusMaintenance.of(read.windows(), tags, now),
        now);
  }

  Instant now() {
    return clock.instant();
  }

  /** Drops every cached model (a maintenance window changed: it may cover any page). */
  void invalidateAll() {
    cache.clear();
  }

  /** Whether the target is on a public page (its badges are open to anyone). */
  boolean onPublicPage(String targetId) {
    return Jdbc.read(dataSource, c -> pages.onPublicPage(c, targetId));
  }

  /** A target's badge figures: the open incident's severity ("" when none), 30-day uptime, 24 h mean response time. */
  record BadgeFigures(boolean exists, String openSeverity, Optional<Double> uptime30d, Optional<Double> meanMillis24h) {}

  BadgeFigures badge(String targetId) {
    Instant now = clock.instant();
    return Jdbc.read(
        dataSource,
        c -> {
          if (pages.targets(c, List.of(targetId)).isEmpty()) {
            return new BadgeFigures(false, "", Optional.empty(), Optional.empty());
          }
          String severity =
              posts.incidents(c, List.of(targetId), now, 10).stream()
                  .filter(i -> i.resolvedAt().isEmpty())
                  .map(StatusPosts.PageIncident::severity)
                  .sorted((a, b) -> a.equals("down") ? -1 : b.equals("down") ? 1 : 0)
                  .findFirst()
                  .orElse("");
          DailyUptime.Uptime figures = DailyUptime.read(c, List.of(targetId), 30, now);
          long checks = 0;
          long up = 0;
          for (DailyUptime.Tally t : figures.days()) {
            checks += t.checks();
            up += t.upChecks();
          }
          Optional<Double> uptime = checks == 0 ? Optional.empty() : Optional.of(Math.floor(up * 100_000.0 / checks) / 1000.0);
          Optional<Double> mean =
              figures.last24Hours().stream()
                  .filter(t -> t.checks() > 0)
                  .map(t -> t.totalUsSum() / t.checks() / 1000.0)
                  .findFirst();
          return new BadgeFigures(true, severity, uptime, mean);
        });
  }
}
