package com.clozette.analytics.aggregator.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.aggregator.report.Dimension;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of rows a store holds in memory is the order SQL gives them (text by code point, as UTF-8 bytes sort). */
class QueryRowsTest {
  private static Query byPage() {
    return new Query("clozette-id", Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"), ZoneId.of("UTC"),
        List.of(Metric.PAGEVIEWS), List.of(GroupBy.of(Dimension.PAGE)), null, List.of(new Order("page", false)), 10, 0, null, null);
  }

  private static QueryRows.Counted page(String path) {
    return new QueryRows.Counted(List.of(path), new Figures(1, 1, 0, 0, 0, 0), null);
  }

  @Test
  void pagesBeyondTheBasicPlaneSortAfterTheLastCharactersOfIt() {
    // U+FF5E (fullwidth tilde) is below U+1F600 (an emoji, a surrogate pair in UTF-16, whose first unit 0xD83D is below 0xFF5E)
    List<QueryRows.Counted> ordered = QueryRows.orderAndPage(byPage(), List.of(page("/\uD83D\uDE00"), page("/\uFF5E"), page("/a"), page("/")));
    assertEquals(List.of("/", "/a", "/\uFF5E", "/\uD83D\uDE00"), ordered.stream().map(row -> row.keys().get(0)).toList());
  }

  @Test
  void aPrefixSortsBeforeTheLongerText() {
    assertEquals(-1, Integer.signum(QueryRows.byCodePoint("/looks", "/looks/1")));
    assertEquals(0, QueryRows.byCodePoint("/\uD83D\uDE00", "/\uD83D\uDE00"));
  }
}
