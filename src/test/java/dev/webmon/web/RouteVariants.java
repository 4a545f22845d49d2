package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Spellings of a path that a router or a servlet container may take for the same route: trailing
 * slash, doubled slashes, other case, percent-encoded letters, path parameters, dot segments. An
 * access rule decided on the path string rather than on the matched route misses some of them.
 */
final class RouteVariants {
  /** What a refused request may answer: redirect to the login form, or an error; never a 2xx. */
  private static final Set<Integer> REFUSED = Set.of(302, 400, 401, 403, 404, 405, 411, 413, 415);

  private RouteVariants() {}

  /** The path itself and its variants; {@code path} starts with "/" and has no query. */
  static List<String> of(String path) {
    List<String> out = new ArrayList<>();
    out.add(path);
    out.add(path + "/");
    out.add(path + "//");
    out.add("/" + path);
    out.add(path.replaceFirst("/([^/]+)$", "//$1"));
    out.add(path.toUpperCase(Locale.ROOT));
    out.add(mixedCase(path));
    out.add(encodeFirstLetterOfLastSegment(path));
    out.add(path + ";x=1");
    out.add(path + "/.");
    out.add(path.replaceFirst("/([^/]+)$", "/./$1"));
    out.add("/static/.." + path);
    out.add("/static/%2e%2e" + path);
    out.add(path + "?x=1");
    out.add(path + "%20");
    out.add(path.replaceFirst("/([^/]+)$", "%2F$1"));
    return out.stream().filter(p -> p.startsWith("/")).distinct().toList();
  }

  /** Asserts that no spelling of {@code path} with any of {@code methods} gets through anonymously. */
  static void assertAnonymousRefused(WebFixture web, List<String> methods, String path, Optional<String> body, List<String> secrets) {
    for (String method : methods) {
      for (String variant : of(path)) {
        WebFixture.Response r = web.send(method, variant, Optional.empty(), body, "application/json");
        String what = method + " " + variant + " -> " + r.status() + " " + r.body();
        assertThat(r.status()).as(what).isIn(REFUSED);
        for (String secret : secrets) {
          assertThat(r.body()).as(what).doesNotContain(secret);
        }
        if (r.status() == 302) {
          assertThat(r.header("Location").orElseThrow()).as(what).startsWith("/login");
        }
      }
    }
  }

  private static String mixedCase(String path) {
    int i = path.lastIndexOf('/') + 1;
    if (i >= path.length()) {
      return path;
    }
    return path.substring(0, i) + Character.toUpperCase(path.charAt(i)) + path.substring(i + 1);
  }

  private static String encodeFirstLetterOfLastSegment(String path) {
    int i = path.lastIndexOf('/') + 1;
    if (i >= path.length()) {
      return path;
    }
    return path.substring(0, i) + String.format(Locale.ROOT, "%%%02X", (int) path.charAt(i)) + path.substring(i + 1);
  }
}
