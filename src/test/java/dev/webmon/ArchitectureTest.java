package dev.webmon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the package map of docs/architecture.md on the production sources: every package has a
 * row, and a file names (by import or fully qualified) only the packages its row allows, which
 * must all sit in lower layers.
 */
class ArchitectureTest {
  private static final Path DOC = Path.of("docs/architecture.md");
  private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/bench/java"));
  private static final Path BENCH_SOURCES = Path.of("src/bench/java");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z()]+)` \\| (\\d+) \\| [^|]+ \\| ([^|]+) \\|$");
  private static final Pattern NAMED = Pattern.compile("\\bdev\\.webmon\\.([a-z][a-z0-9]*)\\b|\\bdev\\.webmon\\.[A-Z]");
  private static final String ROOT = "(root)";

  record Rule(int layer, Set<String> mayImport) {}

  @Test
  void everyPackageNamesOnlyWhatItsRowInTheMapAllows() {
    Map<String, Rule> map = packageMap();
    Map<String, Set<String>> violations = new TreeMap<>();
    Set<String> unmapped = new TreeSet<>();
    for (Path file : sourceFiles()) {
      String pkg = packageOf(file);
      Rule rule = map.get(pkg);
      if (rule == null) {
        unmapped.add(pkg);
        continue;
      }
      for (String named : namedPackages(file)) {
        if (!named.equals(pkg) && !rule.mayImport().contains(named)) {
          violations.computeIfAbsent(pkg + " -> " + named, k -> new TreeSet<>()).add(file.toString());
        }
      }
    }
    assertThat(unmapped).as("packages without a row in the package map of " + DOC).isEmpty();
    assertThat(violations).as("imports the package map of " + DOC + " does not allow").isEmpty();
  }

  @Test
  void theMapOnlyAllowsLowerLayers() {
    Map<String, Rule> map = packageMap();
    List<String> wrong = new ArrayList<>();
    map.forEach(
        (pkg, rule) ->
            rule.mayImport().forEach(
                target -> {
                  Rule other = map.get(target);
                  if (other == null || other.layer() >= rule.layer()) {
                    wrong.add(pkg + " (layer " + rule.layer() + ") may import " + target
                        + (other == null ? " (no such row)" : " (layer " + other.layer() + ")"));
                  }
                }));
    assertThat(wrong).isEmpty();
    assertThat(map).containsKeys(ROOT, "event", "config", "store", "cli");
  }

  @Test
  void namedPackagesIncludeFullyQualifiedReferences() throws IOException {
    Path tmp = Files.createTempFile("arch", ".java");
    try {
      Files.writeString(tmp, "package dev.webmon.config;\nimport dev.webmon.WebmonException;\nclass X { Object k = dev.webmon.agent.AgentConfig.KEYS; }\n");
      assertThat(namedPackages(tmp)).containsExactlyInAnyOrder(ROOT, "agent");
    } finally {
      Files.delete(tmp);
    }
  }

  private static Map<String, Rule> packageMap() {
    Map<String, Rule> map = new LinkedHashMap<>();
    for (String line : read(DOC).lines().toList()) {
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        String allowed = m.group(3).strip();
        Set<String> targets =
            allowed.equals("every package")
                ? null
                : allowed.equals("–")
                    ? Set.of()
                    : Arrays.stream(allowed.split(",")).map(String::strip).collect(Collectors.toSet());
        map.put(m.group(1), new Rule(Integer.parseInt(m.group(2)), targets));
      }
    }
    // "every package" = every package of a lower layer
    map.replaceAll(
        (pkg, rule) ->
            rule.mayImport() != null
                ? rule
                : new Rule(
                    rule.layer(),
                    map.entrySet().stream()
                        .filter(e -> e.getValue() != null && e.getValue().layer() < rule.layer())
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet())));
    assertThat(map).as("package map rows in " + DOC).hasSizeGreaterThan(5);
    return map;
  }

  private static List<Path> sourceFiles() {
    List<Path> files = new ArrayList<>();
    for (Path root : SOURCES) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    assertThat(files).as("production sources").hasSizeGreaterThan(50);
    return files;
  }

  private static String packageOf(Path file) {
    if (file.startsWith(BENCH_SOURCES)) {
      return "bench";
    }
    Matcher m = Pattern.compile("(?m)^package dev\\.webmon(?:\\.([a-z][a-z0-9]*))?[.;]").matcher(read(file));
    assertThat(m.find()).as("package line of " + file).isTrue();
    return m.group(1) == null ? ROOT : m.group(1);
  }

  private static Set<String> namedPackages(Path file) {
    String text = read(file).replaceFirst("(?m)^package [^;]+;", "");
    Set<String> named = new TreeSet<>();
    Matcher m = NAMED.matcher(text);
    while (m.find()) {
      named.add(m.group(1) == null ? ROOT : m.group(1));
    }
    return named;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
