package dev.webmon.config;

import java.util.List;
import java.util.Map;

/** Renders docs/configuration.md from the {@link KeyCatalog}, so the reference cannot drift. */
public final class ConfigDocs {
  private ConfigDocs() {}

  public static String markdown(KeyCatalog catalog) {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("<!-- Generated from the code by ConfigDocs; ConfigDocsTest fails when this file is stale.\n")
        .append("     Regenerate: ./mvnw test -Dtest=ConfigDocsTest -Dwebmon.update-docs=true -->\n\n")
        .append("Every component reads typed, validated settings at start; a bad value stops the process\n")
        .append("with the key's name and the accepted values (exit code 2).\n\n")
        .append("**Precedence** (first wins):\n\n")
        .append("1. CLI flag: `--` + the key with `.` turned into `-`, e.g. `--kafka-bootstrap-servers`\n")
        .append("2. Environment: `WEBMON_` + the key upper-cased with `.` and `-` turned into `_`,\n")
        .append("   e.g. `WEBMON_KAFKA_BOOTSTRAP_SERVERS`\n")
        .append("3. `--config FILE`: a properties file of `key=value` lines (unknown keys are rejected)\n")
        .append("4. `.env` in the working directory: `WEBMON_…=value` or `key=value` lines; it must be\n")
        .append("   private to its owner (`chmod 600 .env`) or webmon refuses to start\n")
        .append("5. The default below\n\n")
        .append("**Durations** are written `500ms`, `30s`, `5m`, `2h`, `7d` or ISO-8601 (`PT30S`).\n")
        .append("**Secrets** (passwords, tokens) are never logged or shown in `--help`; prefer the environment or\n")
        .append("the `*-file` keys, whose files must be `chmod 600`.\n");
    for (Map.Entry<String, List<ConfigKey<?>>> group : catalog.byGroup().entrySet()) {
      md.append("\n## ").append(group.getKey()).append("\n\n");
      md.append("| key | environment | default | meaning |\n");
      md.append("|---|---|---|---|\n");
      for (ConfigKey<?> key : group.getValue()) {
        String accepts = key.parser().accepts().isEmpty() ? "" : " Accepts " + key.parser().accepts() + ".";
        md.append("| `")
            .append(key.name())
            .append("` | `")
            .append(key.envName())
            .append("` | ")
            .append(key.defaultValue().map(v -> v.isEmpty() ? "(empty)" : "`" + v + "`").orElse("(none)"))
            .append(" | ")
            .append(key.description().replace("|", "\\|"))
            .append(key.secret() ? " *Secret.*" : "")
            .append(accepts.replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return md.toString();
  }
}
