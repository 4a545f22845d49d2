package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.store.StatusPosts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a client sends to manage status pages (API JSON, or the UI form turned into the same JSON
 * by {@link #fromForm}), checked field by field: every problem is reported at once, each naming
 * its field, and nothing is stored unless all pass. Stateless.
 */
final class StatusRequests {
  static final Pattern SLUG = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");
  static final List<String> VISIBILITIES = List.of("public", "token", "session");
  static final List<String> LOGO_TYPES = List.of("image/png", "image/jpeg", "image/gif", "image/webp");
  static final int MAX_TITLE = 200;
  static final int MAX_DESCRIPTION = 2000;
  static final int MAX_BODY = 20_000;
  static final int MAX_LOGO_BYTES = 64 * 1024;
  static final int MAX_TARGETS = 100;

  private StatusRequests() {}

  /** A logo: its type and bytes (type "" removes the logo). */
  record Logo(String type, byte[] bytes) {}

  record PageRequest(
      String slug, String title, String description, String visibility, boolean showUrls, Optional<Logo> logo) {}

  record ComponentRequest(String name, List<String> targets, Optional<Integer> position) {
    ComponentRequest {
      targets = List.copyOf(targets);
    }
  }

  record PostRequest(String title, String status, String body) {}

  record UpdateRequest(String status, String body) {}

  static PageRequest page(JsonNode node, Optional<String> pathSlug) {
    List<FieldError> errors = new ArrayList<>();
    known(node, Set.of("slug", "title", "description", "visibility", "showUrls", "logo", "components", "updatedAt"), errors);
    String slug = text(node, "slug", pathSlug.isPresent() ? 0 : 1, 64, errors).orElse(pathSlug.orElse(""));
    if (pathSlug.isPresent() && node.hasNonNull("slug") && !slug.equals(pathSlug.get())) {
      errors.add(new FieldError("slug", "differs from the page's slug in the path; a slug cannot be changed"));
    } else if (!slug.isEmpty() && !SLUG.matcher(slug).matches()) {
      errors.add(new FieldError("slug", "must be 1–64 lower-case letters, digits and inner hyphens (e.g. \"shop-api\")"));
    }
    String title = text(node, "title", 1, MAX_TITLE, errors).orElse("");
    String description = text(node, "description", 0, MAX_DESCRIPTION, errors).orElse("");
    String visibility = text(node, "visibility", 0, 16, errors).orElse("public");
    if (!visibility.isEmpty() && !VISIBILITIES.contains(visibility)) {
      errors.add(new FieldError("visibility", "must be one of " + String.join(", ", VISIBILITIES)));
    }
    boolean showUrls = false;
    JsonNode s = node.get("showUrls");
    if (s != null && !s.isNull()) {
      if (s.isBoolean()) {
        showUrls = s.booleanValue();
      } else {
        errors.add(new FieldError("showUrls", "must be true or false"));
      }
    }
    Optional<Logo> logo = logo(node.get("logo"), errors);
    if (node.has("components")) {
      errors.add(new FieldError("components", "are managed under /components of the page, not in the page itself"));
    }
    check(errors);
    return new PageRequest(slug, title, description, visibility.isEmpty() ? "public" : visibility, showUrls, logo);
  }

  /** What the page form's file input sent: whether a file was chosen, and its bytes. */
  record Upload(boolean chosen, byte[] bytes) {
    static final Upload NONE = new Upload(false, new byte[0]);
  }

  /**
   * The page editor of the UI: its fields as for {@link #page}, and the logo as an uploaded file
   * (its type sniffed from its first bytes, whatever the browser claimed) or the {@code removeLogo}
   * checkbox. A logo's problems are named {@code logo}.
   */
  static PageRequest pageForm(Map<String, List<String>> form, Upload file, String slug) {
    Map<String, List<String>> fields = new LinkedHashMap<>(form);
    List<String> removeBox = fields.remove("removeLogo");
    boolean remove = removeBox != null && !removeBox.isEmpty() && !removeBox.get(0).isEmpty();
    List<FieldError> errors = new ArrayList<>();
    Optional<Logo> logo = Optional.empty();
    if (remove && file.chosen()) {
      errors.add(new FieldError("logo", "choose a new file or remove the logo, not both"));
    } else if (remove) {
      logo = Optional.of(new Logo("", new byte[0]));
    } else if (file.chosen()) {
      logo = uploadedLogo(file.bytes(), errors);
    }
    PageRequest page;
    try {
      page = page(fromForm(fields), Optional.of(slug));
    } catch (ValidationException e) {
      List<FieldError> all = new ArrayList<>(e.errors());
      all.addAll(errors);
      throw new ValidationException(all);
    }
    check(errors);
    return new PageRequest(page.slug(), page.title(), page.description(), page.visibility(), page.showUrls(), logo);
  }

  private static Optional<Logo> uploadedLogo(byte[] bytes, List<FieldError> errors) {
    if (bytes.length == 0) {
      errors.add(new FieldError("logo", "the file is empty"));
      return Optional.empty();
    }
    if (bytes.length > MAX_LOGO_BYTES) {
      errors.add(new FieldError("logo", "must be at most " + MAX_LOGO_BYTES / 1024 + " KiB; the file is " + bytes.length + " bytes"));
      return Optional.empty();
    }
    Optional<String> type = LOGO_TYPES.stream().filter(t -> matchesType(t, bytes)).findFirst();
    if (type.isEmpty()) {
      errors.add(new FieldError("logo", "is not a PNG, JPEG, GIF or WebP image (judged by its first bytes; no SVG: it can carry script)"));
      return Optional.empty();
    }
    return Optional.of(new Logo(type.get(), bytes));
  }

  static ComponentRequest component(JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    known(node, Set.of("name", "targets", "position"), errors);
    String name = text(node, "name", 1, MAX_TITLE, errors).orElse("");
    List<String> targets = new ArrayList<>();
    JsonNode t = node.get("targets");
    if (t == null || t.isNull() || (t.isArray() && t.isEmpty())) {
      errors.add(new FieldError("targets", "is required: the ids of 1–" + MAX_TARGETS + " targets"));
    } else if (!t.isArray()) {
      errors.add(new FieldError("targets", "must be an array of target ids"));
    } else if (t.size() > MAX_TARGETS) {
      errors.add(new FieldError("targets", "has " + t.size() + " ids; at most " + MAX_TARGETS));
    } else {
      for (int i = 0; i < t.size(); i++) {
        if (!t.get(i).isTextual() || !t.get(i).asText().matches("[A-Za-z0-9_-]{1,64}")) {
          errors.add(new FieldError("targets[" + i + "]", "must be a target id (1–64 letters, digits, '_' or '-')"));
        } else {
          targets.add(t.get(i).asText());
        }
      }
    }
    Optional<Integer> position = Optional.empty();
    JsonNode p = node.get("position");
    if (p != null && !p.isNull()) {
      if (p.isInt() && p.intValue() >= 0 && p.intValue() <= 10_000) {
        position = Optional.of(p.intValue());
      } else {
        errors.add(new FieldError("position", "must be a whole number 0–10000"));
      }
    }
    check(errors);
    return new ComponentRequest(name, targets, position);
  }

  static PostRequest post(JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    known(node, Set.of("title", "status", "body"), errors);
    String title = text(node, "title", 1, MAX_TITLE, errors).orElse("");
    String status = status(node, errors);
    String body = markdown(node, errors);
    check(errors);
    return new PostRequest(title, status, body);
  }

  static UpdateRequest update(JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    known(node, Set.of("status", "body"), errors);
    String status = status(node, errors);
    String body = markdown(node, errors);
    check(errors);
    return new UpdateRequest(status, body);
  }

  /**
   * The UI form as the API's JSON: every field a string, except {@code showUrls} (a checkbox:
   * present = true), {@code targets} (comma- or line-separated ids) and {@code position}; the CSRF
   * field and the version are dropped.
   */
  static ObjectNode fromForm(Map<String, List<String>> form) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    form.forEach(
        (name, values) -> {
          String v = values.isEmpty() ? "" : values.get(0);
          switch (name) {
            case Access.CSRF_FIELD -> {}
            case "showUrls" -> node.put(name, !v.isEmpty());
            case "targets" -> {
              ArrayNode a = node.putArray(name);
              Arrays.stream(v.split("[,\\s]+")).filter(x -> !x.isBlank()).forEach(a::add);
            }
            case "position" -> {
              if (v.isBlank()) {
                return;
              }
              try {
                node.put(name, Integer.parseInt(v.strip()));
              } catch (NumberFormatException e) {
                node.put(name, v);
              }
            }
            default -> node.put(name, v);
          }
        });
    return node;
  }

  private static String status(JsonNode node, List<FieldError> errors) {
    String status = text(node, "status", 1, 32, errors).orElse("");
    if (!status.isEmpty() && !StatusPosts.STATUSES.contains(status)) {
      errors.add(new FieldError("status", "must be one of " + String.join(", ", StatusPosts.STATUSES)));
    }
    return status;
  }

  private static String markdown(JsonNode node, List<FieldError> errors) {
    String body = text(node, "body", 1, MAX_BODY, errors).orElse("");
    if (body.chars().anyMatch(ch -> ch == 0)) {
      errors.add(new FieldError("body", "must not contain NUL characters"));
    }
    return body;
  }

  private static Optional<Logo> logo(JsonNode l, List<FieldError> errors) {
    if (l == null || l.isNull()) {
      return Optional.empty();
    }
    if (l.isTextual() && l.asText().isEmpty()) {
      return Optional.of(new Logo("", new byte[0]));
    }
    if (!l.isObject() || !l.path("type").isTextual() || !l.path("data").isTextual() || l.size() != 2) {
      errors.add(new FieldError("logo", "must be {\"type\": \"image/png\", \"data\": \"<base64>\"} or \"\" to remove it"));
      return Optional.empty();
    }
    String type = l.get("type").asText();
    if (!LOGO_TYPES.contains(type)) {
      errors.add(new FieldError("logo.type", "must be one of " + String.join(", ", LOGO_TYPES) + " (no SVG: it can carry script)"));
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(l.get("data").asText());
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("logo.data", "is not valid base64"));
      return Optional.empty();
    }
    if (bytes.length == 0 || bytes.length > MAX_LOGO_BYTES) {
      errors.add(new FieldError("logo.data", "must be 1 byte to " + MAX_LOGO_BYTES / 1024 + " KiB; it is " + bytes.length + " bytes"));
      return Optional.empty();
    }
    if (!matchesType(type, bytes)) {
      errors.add(new FieldError("logo.data", "is not a " + type + " image (its first bytes do not match)"));
      return Optional.empty();
    }
    return Optional.of(new Logo(type, bytes));
  }

  private static boolean matchesType(String type, byte[] b) {
    return switch (type) {
      case "image/png" -> starts(b, 0x89, 'P', 'N', 'G');
      case "image/jpeg" -> starts(b, 0xFF, 0xD8, 0xFF);
      case "image/gif" -> starts(b, 'G', 'I', 'F', '8');
      case "image/webp" -> b.length > 12 && starts(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P';
      default -> false;
    };
  }

  private static boolean starts(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static void known(JsonNode node, Set<String> fields, List<FieldError> errors) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!fields.contains(f)) {
        errors.add(new FieldError(f, "is not a known field; known fields: " + String.join(", ", fields.stream().sorted().toList())));
      }
    }
  }

  /** A string field of {@code min}–{@code max} characters without control characters (line breaks allowed in long ones). */
  private static Optional<String> text(JsonNode node, String field, int min, int max, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (min > 0) {
        errors.add(new FieldError(field, "is required"));
      }
      return Optional.empty();
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return Optional.empty();
    }
    String s = max > MAX_TITLE ? v.asText() : v.asText().strip();
    int length = s.codePointCount(0, s.length());
    if (length < min || length > max) {
      errors.add(new FieldError(field, (min > 0 ? "must be " + min + "–" : "must be at most ") + max + " characters; it is " + length));
      return Optional.empty();
    }
    boolean lines = max > MAX_TITLE;
    if (s.chars().anyMatch(ch -> ch == 0 || (Character.isISOControl(ch) && !(lines && (ch == '\n' || ch == '\r' || ch == '\t'))))) {
      errors.add(new FieldError(field, lines ? "must not contain control characters other than line breaks and tabs" : "must not contain control characters"));
      return Optional.empty();
    }
    return Optional.of(s);
  }

  private static void check(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }
}
