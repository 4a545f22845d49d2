package dev.webmon.event;

import com.google.re2j.Pattern;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of valid events (and their parts), shared by the property tests. */
final class EventArbitraries {
  private EventArbitraries() {}

  static Arbitrary<String> ids(int max, String extra) {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withCharRange('0', '9')
        .withChars("_-" + extra)
        .ofMinLength(1)
        .ofMaxLength(max);
  }

  /** Well-formed text of {@code min}–{@code max} chars, with or without control characters. */
  static Arbitrary<String> text(int min, int max, boolean controls) {
    Arbitrary<Integer> printableAscii = Arbitraries.integers().between(0x20, 0x7e);
    Arbitrary<Integer> bmp =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0xa0, 0xd7ff),
            Arbitraries.integers().between(0xe000, 0xffff));
    Arbitrary<Integer> astral = Arbitraries.integers().between(0x10000, 0x10ffff);
    Arbitrary<Integer> control =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 0x1f), Arbitraries.integers().between(0x7f, 0x9f));
    Arbitrary<Integer> codePoints =
        controls
            ? Arbitraries.frequencyOf(
                Tuple.of(8, printableAscii),
                Tuple.of(2, bmp),
                Tuple.of(1, astral),
                Tuple.of(1, control))
            : Arbitraries.frequencyOf(
                Tuple.of(8, printableAscii),
                Tuple.of(2, bmp),
                Tuple.of(1, astral));
    return codePoints
        .list()
        .ofMinSize(min)
        .ofMaxSize(Math.max(min, max / 2))
        .map(
            cps -> {
              StringBuilder sb = new StringBuilder();
              cps.forEach(sb::appendCodePoint);
              return sb.toString();
            })
        .filter(s -> s.length() >= min && s.length() <= max);
  }

  static Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.longs().between(0, 253_402_300_799L);
    Arbitrary<Integer> nanos =
        Arbitraries.oneOf(
            Arbitraries.just(0),
            Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
            Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
            Arbitraries.integers().between(0, 999_999_999));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  static Arbitrary<URI> urls() {
    Arbitrary<String> scheme = Arbitraries.of("http", "https", "HTTPS");
    // Labels start with a letter: java.net.URI reads "a.1" as a registry name without a host.
    Arbitrary<String> label =
        Combinators.combine(
                Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                    .withChars('-').ofMaxLength(11))
            .as((first, rest) -> first + rest.replaceAll("-+$", ""));
    Arbitrary<String> dnsHost = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<String> ipv4 =
        Arbitraries.integers().between(0, 255).list().ofSize(4)
            .map(l -> l.stream().map(String::valueOf).reduce((a, b) -> a + "." + b).orElseThrow());
    Arbitrary<String> host =
        Arbitraries.frequencyOf(
            Tuple.of(8, dnsHost),
            Tuple.of(1, ipv4),
            Tuple.of(1, Arbitraries.of("[2001:db8::1]", "[::1]")));
    Arbitrary<String> port =
        Arbitraries.integers().between(1, 65535).map(p -> ":" + p).optional(0.3)
            .map(o -> o.orElse(""));
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric()
                .withChars("-._~!$&'()*+,;=:@").ofMaxLength(20),
            Arbitraries.of("%20", "%C3%A9", "\u00e9t\u00e9", "caf\u00e9"));
    Arbitrary<String> path = segment.list().ofMaxSize(6).map(l -> l.isEmpty() ? "" : "/" + String.join("/", l));
    Arbitrary<String> query =
        Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("=&-_").ofMaxLength(40)
            .optional(0.3).map(o -> o.map(q -> "?" + q).orElse(""));
    return Combinators.combine(scheme, host, port, path, query)
        .as((s, h, p, pa, q) -> URI.create(s + "://" + h + p + pa + q));
  }

  /** Text of a target's body or regex: control characters allowed, but no NUL (PostgreSQL cannot store it). */
  static Arbitrary<String> targetText(int min, int max) {
    return text(min, max, true).map(s -> s.replace('\0', ' '));
  }

  static Arbitrary<String> regexes() {
    return Arbitraries.oneOf(
        Arbitraries.of("^OK$", "status: (up|ok)", "[a-z]+\\d{2,3}", "(?i)error", "\\bfoo\\b", "."),
        targetText(1, 200).map(Pattern::quote));
  }

  static Arbitrary<StatusRanges> statusRanges() {
    Arbitrary<StatusRanges.Range> range =
        Combinators.combine(
                Arbitraries.integers().between(100, 599), Arbitraries.integers().between(0, 100))
            .as((from, width) -> new StatusRanges.Range(from, Math.min(599, from + width)));
    return range.list().ofMinSize(1).ofMaxSize(6).map(StatusRanges::new);
  }

  static Arbitrary<Map<String, String>> headers() {
    Arbitrary<String> names =
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric()
            .withChars("!#$%&'*+-.^_`|~").ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> values =
        Arbitraries.strings().withCharRange(' ', '~').withChars('\t').ofMaxLength(40);
    // Pairs rather than Arbitraries.maps: much cheaper to generate; clashes are dropped.
    return Combinators.combine(names, values).as(Map::entry).list().ofMaxSize(4)
        .map(
            entries -> {
              Set<String> lower = new HashSet<>();
              Map<String, String> headers = new LinkedHashMap<>();
              for (Map.Entry<String, String> e : entries) {
                String key = e.getKey().toLowerCase(Locale.ROOT);
                if (!TargetSpec.RESTRICTED_HEADERS.contains(key) && lower.add(key)) {
                  headers.put(e.getKey(), e.getValue());
                }
              }
              return headers;
            });
  }

  static Arbitrary<List<String>> tags() {
    return ids(64, ".:=/").list().ofMaxSize(4).map(l -> new ArrayList<>(new java.util.LinkedHashSet<>(l)));
  }

  static Arbitrary<TargetSpec> targets() {
    Arbitrary<TargetSpec> base =
        Combinators.combine(
                ids(64, ""),
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                text(1, TargetSpec.MAX_NAME, false),
                urls(),
                Arbitraries.longs().between(10_000_000_000L, 86_400_000_000_000L)
                    .map(Duration::ofNanos),
                Arbitraries.longs().between(100_000_000L, 120_000_000_000L).map(Duration::ofNanos),
                Arbitraries.integers().between(0, 20),
                instants())
            .as(
                (id, version, name, url, interval, timeout, redirects, at) ->
                    TargetSpec.builder(id, url)
                        .version(version)
                        .name(name)
                        .interval(interval)
                        .timeout(timeout)
                        .maxRedirects(redirects)
                        .updatedAt(at)
                        .build());
    return Combinators.combine(
            base,
            regexes().optional(0.3),
            regexes().optional(0.3),
            statusRanges(),
            Arbitraries.of(TargetSpec.METHODS),
            headers(),
            targetText(0, 300).optional(0.2),
            tags())
        .as(
            (t, must, mustNot, status, method, headers, body, tags) -> {
              TargetSpec.Builder b =
                  t.toBuilder().expectedStatus(status).method(method).headers(headers).tags(tags);
              must.ifPresent(b::mustMatch);
              mustNot.ifPresent(b::mustNotMatch);
              body.ifPresent(b::body);
              return b.build();
            });
  }

  /** The outcome, reason and status code of a result, consistent with each other. */
  record Verdict(Outcome outcome, Optional<Reason> reason, Optional<Integer> statusCode) {}

  static Arbitrary<Verdict> verdicts() {
    Arbitrary<Integer> codes = Arbitraries.integers().between(100, 599);
    Arbitrary<Verdict> up = codes.map(c -> new Verdict(Outcome.UP, Optional.empty(), Optional.of(c)));
    Arbitrary<Verdict> down =
        Combinators.combine(Arbitraries.of(Reason.class), codes.optional(0.5))
            .as(
                (r, c) ->
                    new Verdict(
                        Outcome.DOWN,
                        Optional.of(r),
                        r.requiresStatusCode() && c.isEmpty() ? Optional.of(500) : c));
    return Arbitraries.oneOf(up, down);
  }

  static Arbitrary<PhaseTimings> timings() {
    Arbitrary<Long> micros =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 120_000_000L), Arbitraries.longs().greaterOrEqual(0));
    return Combinators.combine(micros, micros, micros, micros, micros, micros)
        .as(PhaseTimings::new);
  }

  private record Head(
      UUID resultId,
      String targetId,
      long targetVersion,
      String location,
      String agentId,
      URI url,
      Instant scheduledAt,
      Instant startedAt) {}

  private record Tail(
      Verdict verdict,
      PhaseTimings timings,
      long bodyBytes,
      Optional<String> httpVersion,
      Optional<String> remoteAddress,
      Optional<Instant> tlsExpiresAt,
      int redirects,
      Optional<URI> finalUrl) {}

  static Arbitrary<CheckResult> results() {
    Arbitrary<Head> head =
        Combinators.combine(
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new),
                ids(64, ""),
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                ids(64, ""),
                ids(128, ".:@"),
                urls(),
                instants(),
                instants())
            .as(Head::new);
    Arbitrary<Tail> tail =
        Combinators.combine(
                verdicts(),
                timings(),
                Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.of("HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3").optional(0.7),
                Arbitraries.of("192.0.2.1", "2001:db8::1", "fe80::1%eth0", "[::1]").optional(0.7),
                instants().optional(0.5),
                Arbitraries.integers().between(0, 20),
                urls().optional(0.3))
            .as(Tail::new);
    // A quarter of the results are flagged maintenance (schema 1.1).
    Arbitrary<Boolean> maintenance = Arbitraries.integers().between(0, 3).map(i -> i == 0);
    return Combinators.combine(head, tail, text(0, 500, true).optional(0.4), maintenance)
        .as(
            (h, t, detail, maint) ->
                new CheckResult(
                    h.resultId(),
                    h.targetId(),
                    h.targetVersion(),
                    h.location(),
                    h.agentId(),
                    h.url(),
                    h.scheduledAt(),
                    h.startedAt(),
                    t.verdict().outcome(),
                    t.verdict().reason(),
                    t.verdict().statusCode(),
                    t.timings(),
                    t.bodyBytes(),
                    t.httpVersion(),
                    t.remoteAddress(),
                    t.tlsExpiresAt(),
                    t.redirects(),
                    t.finalUrl(),
                    detail,
                    maint));
  }
}
