package dev.webmon.web;

import dev.webmon.store.TargetList;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets-list filter of a request's query parameters ({@code q}, {@code status}, {@code tag},
 * {@code interval}, {@code sort}, {@code page}, {@code size}): a value out of range is a {@link
 * ValidationException} naming its parameter, before the store's filter is built. Stateless.
 */
final class ListFilter {
  private ListFilter() {}

  static TargetList.Filter of(Context ctx) {
    Optional<String> text = RouteParams.param(ctx, "q");
    if (text.isPresent() && text.get().length() > 200) {
      throw new ValidationException("q", "must be at most 200 characters");
    }
    Optional<TargetList.Status> status = RouteParams.param(ctx, "status").map(ListFilter::status);
    Optional<String> tag = RouteParams.param(ctx, "tag");
    if (tag.isPresent() && tag.get().length() > 64) {
      throw new ValidationException("tag", "must be at most 64 characters");
    }
    Optional<Integer> interval = RouteParams.param(ctx, "interval").map(s -> RouteParams.intParam("interval", s, 1, Integer.MAX_VALUE));
    String sort = RouteParams.param(ctx, "sort").orElse("name");
    if (!TargetList.SORTS.containsKey(sort)) {
      throw new ValidationException("sort", "must be one of " + String.join(", ", TargetList.SORTS.keySet().stream().sorted().toList()));
    }
    int page = RouteParams.param(ctx, "page").map(s -> RouteParams.intParam("page", s, 1, TargetList.MAX_PAGE)).orElse(1);
    int size =
        RouteParams.param(ctx, "size")
            .map(s -> RouteParams.intParam("size", s, 1, TargetList.MAX_PAGE_SIZE))
            .orElse(TargetList.DEFAULT_PAGE_SIZE);
    return new TargetList.Filter(text, status, tag, interval, sort, page, size);
  }

  private static TargetList.Status status(String text) {
    try {
      return TargetList.Status.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("status", "must be one of up, down, degraded, unknown");
    }
  }
}
