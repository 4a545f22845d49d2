package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedStatementTest {
  @Test
  void eachNameBecomesAPlaceholderAndRemembersEveryPosition() {
    Map<String, List<Integer>> at = new HashMap<>();
    String sql = NamedStatement.parse("SELECT * FROM t WHERE (CAST(:text AS text) IS NULL OR a = :text) AND b < :limit_2", at);

    assertThat(sql).isEqualTo("SELECT * FROM t WHERE (CAST(? AS text) IS NULL OR a = ?) AND b < ?");
    assertThat(at).containsEntry("text", List.of(1, 2)).containsEntry("limit_2", List.of(3)).hasSize(2);
  }

  @Test
  void castsAndQuotedLiteralsAreLeftAlone() {
    Map<String, List<Integer>> at = new HashMap<>();
    String sql =
        NamedStatement.parse(
            "SELECT :ids::text[], x::int, date_bin(make_interval(secs => :s), t, timestamptz '2000-01-01 00:00:00+00'), ':no'", at);

    assertThat(sql).isEqualTo("SELECT ?::text[], x::int, date_bin(make_interval(secs => ?), t, timestamptz '2000-01-01 00:00:00+00'), ':no'");
    assertThat(at).containsOnlyKeys("ids", "s");
  }
}
