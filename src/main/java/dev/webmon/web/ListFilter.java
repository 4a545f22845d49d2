package dev.webmon.web;

import dev.webmon.store.TargetList;
import java.util.Optional;

/** Checks the values of a targets-list request and builds the store's filter from them. Stateless. */
final class ListFilter {
  private ListFilter() {}

  /**
   * The filter, or a {@link ValidationException} naming each parameter that is out of range.
   *
   * @param text the {@code q} parameter
   */
  static TargetList.Filter of(
      Optional<String> text,
      Optional<TargetList.Status> status,
      Optional<String> tag,
      Optional<Integer> intervalSeconds,
      String sort,
      int page,
      int size) {
    if (!TargetList.SORTS.containsKey(sort)) {
      throw new ValidationException("sort", "must be one of " + String.join(", ", TargetList.SORTS.keySet().stream().sorted().toList()));
    }
    if (page < 1 || page > TargetList.MAX_PAGE) {
      throw new ValidationException("page", "must be from 1 to " + TargetList.MAX_PAGE);
    }
    if (size < 1 || size > TargetList.MAX_PAGE_SIZE) {
      throw new ValidationException("size", "must be from 1 to " + TargetList.MAX_PAGE_SIZE);
    }
    if (text.isPresent() && text.get().length() > 200) {
      throw new ValidationException("q", "must be at most 200 characters");
    }
    if (tag.isPresent() && tag.get().length() > 64) {
      throw new ValidationException("tag", "must be at most 64 characters");
    }
    return new TargetList.Filter(text, status, tag, intervalSeconds, sort, page, size);
  }
}
