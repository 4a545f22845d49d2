package dev.webmon.event;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The targets a maintenance window applies to: every target ({@code all}), or the union of the
 * targets named by id and those carrying one of the tags.
 *
 * @param all every target; then {@code targetIds} and {@code tags} are empty
 * @param targetIds at most {@value #MAX_TARGETS} target ids, no duplicates
 * @param tags at most 20 tags, as {@link TargetSpec#tags()}
 */
public record MaintenanceScope(boolean all, List<String> targetIds, List<String> tags) {
  /** Most target ids one window may name. */
  public static final int MAX_TARGETS = 1000;

  /** Every target. */
  public static final MaintenanceScope ALL = new MaintenanceScope(true, List.of(), List.of());

  /** Validates: {@code all} xor at least one target id or tag. */
  public MaintenanceScope {
    Validate.notNull(targetIds, "scope.targets");
    tags = scopeTags(tags);
    if (targetIds.size() > MAX_TARGETS) {
      throw new InvalidEventException(
          "scope.targets", "at most " + MAX_TARGETS + " allowed, got " + targetIds.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < targetIds.size(); i++) {
      String field = "scope.targets[" + i + "]";
      Validate.identifier(targetIds.get(i), field, 64, "");
      if (!seen.add(targetIds.get(i))) {
        throw new InvalidEventException(field, "duplicates an earlier target id");
      }
    }
    targetIds = List.copyOf(targetIds);
    if (all && (!targetIds.isEmpty() || !tags.isEmpty())) {
      throw new InvalidEventException("scope.all", "cannot be combined with targets or tags");
    }
    if (!all && targetIds.isEmpty() && tags.isEmpty()) {
      throw new InvalidEventException("scope", "must be all, or name at least one target or tag");
    }
  }

  private static List<String> scopeTags(List<String> tags) {
    try {
      return TargetSpec.tags(tags);
    } catch (InvalidEventException e) {
      throw new InvalidEventException("scope." + e.field(), problem(e));
    }
  }

  private static String problem(InvalidEventException e) {
    String msg = e.getMessage();
    String prefix = e.field() + ": ";
    return msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
  }

  /** Whether the window applies to the target {@code targetId} carrying {@code targetTags}. */
  public boolean covers(String targetId, List<String> targetTags) {
    if (all || targetIds.contains(targetId)) {
      return true;
    }
    for (String tag : targetTags) {
      if (tags.contains(tag)) {
        return true;
      }
    }
    return false;
  }
}
