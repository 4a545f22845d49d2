package dev.webmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key a process knows, grouped by heading in documentation order. The
 * catalog is assembled where the commands are (the {@code cli} package hands each component's
 * keys in), so this package never names the components. Immutable and thread-safe.
 */
public final class KeyCatalog {
  private final Map<String, List<ConfigKey<?>>> groups;
  private final Map<String, ConfigKey<?>> byName;

  private KeyCatalog(Map<String, List<ConfigKey<?>>> groups) {
    this.groups = Collections.unmodifiableMap(groups);
    Map<String, ConfigKey<?>> names = new LinkedHashMap<>();
    groups.values().forEach(keys -> keys.forEach(k -> names.put(k.name(), k)));
    this.byName = Collections.unmodifiableMap(names);
  }

  /** Starts a catalog; add groups in the order the reference should show them. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KeyCatalog}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, List<ConfigKey<?>>> groups = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a group of keys under a heading; a heading or key name seen twice is a bug. */
    public Builder group(String heading, List<ConfigKey<?>> keys) {
      if (groups.put(heading, List.copyOf(keys)) != null) {
        throw new IllegalArgumentException("config group '" + heading + "' added twice");
      }
      return this;
    }

    public KeyCatalog build() {
      KeyCatalog catalog = new KeyCatalog(new LinkedHashMap<>(groups));
      long keys = groups.values().stream().mapToLong(List::size).sum();
      if (catalog.byName.size() != keys) {
        throw new IllegalArgumentException("a config key is declared in two groups");
      }
      return catalog;
    }
  }

  /** Groups of keys, by heading. */
  public Map<String, List<ConfigKey<?>>> byGroup() {
    return groups;
  }

  public List<ConfigKey<?>> all() {
    return new ArrayList<>(byName.values());
  }

  public Optional<ConfigKey<?>> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }
}
