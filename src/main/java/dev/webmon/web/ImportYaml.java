package dev.webmon.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads the body of an import: one YAML (or JSON) document, {@code targets: [...]} or a bare list.
 * Strict where YAML would otherwise be silently misread: aliases and anchors (Jackson would read
 * {@code *name} as the string "name"), duplicate keys (the last would win) and a second document
 * (it would be ignored) are refused with a 400. SnakeYAML's code-point limit is the body limit, so
 * anything the server accepts as a body can be parsed (an export of 10 000 targets is more than
 * SnakeYAML's default 3 MiB). Thread-safe.
 */
final class ImportYaml {
  /** The most entries one import may hold. */
  static final int MAX_TARGETS = 100_000;

  private static final YAMLMapper YAML;

  static {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Json.MAX_BODY_BYTES); // a code point is at least one byte
    options.setAllowDuplicateKeys(false);
    YAML =
        YAMLMapper.builder(YAMLFactory.builder().loaderOptions(options).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();
  }

  private ImportYaml() {}

  /**
   * The entries of the document.
   *
   * @throws ValidationException if it is not one plain YAML document holding a list of mappings
   */
  static List<TargetRequest> parse(byte[] bytes) {
    refuseAliasesAndDocuments(bytes);
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
    if (list.size() > MAX_TARGETS) {
      throw new ValidationException("targets", "at most " + MAX_TARGETS + " targets per import");
    }
    Json.refuseUnstorableText(list, "targets"); // before the entries are matched to stored targets in SQL
    List<TargetRequest> requests = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        throw new ValidationException("targets[" + i + "]", "must be a mapping of target fields");
      }
      requests.add(TargetRequest.fromJson(entry, "targets[" + i + "]."));
    }
    return requests;
  }

  /** One streaming pass over the tokens: no anchor, no alias, nothing after the first document. */
  private static void refuseAliasesAndDocuments(byte[] bytes) {
    try (JsonParser p = YAML.createParser(bytes)) {
      YAMLParser yaml = (YAMLParser) p;
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        String anchor = yaml.getObjectId();
        if (yaml.isCurrentAlias() || anchor != null) {
          String what = yaml.isCurrentAlias() ? "alias *" + p.getText() : "anchor &" + anchor;
          throw new ValidationException(
              "body",
              "uses the " + what + " (line " + p.currentLocation().getLineNr()
                  + "): aliases and anchors are not supported, write each value out");
        }
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
        if (depth == 0 && t != JsonToken.FIELD_NAME) {
          // The root value is complete: the parser skips document ends, so any further token
          // belongs to another document.
          if (p.nextToken() != null) {
            throw new ValidationException("body", "holds more than one YAML document ('---'): import one document at a time");
          }
          return;
        }
      }
    } catch (IOException e) {
      throw new ValidationException("body", "is not valid YAML: " + Json.shortMessage(e));
    }
  }
}
