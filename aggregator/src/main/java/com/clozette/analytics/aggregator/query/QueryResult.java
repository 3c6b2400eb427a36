package com.clozette.analytics.aggregator.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of the query API (docs/QUERY.md): rows of dimension values and metric values in the
 * order of the request, one page of them, and how many rows there are in all.
 *
 * @param visitorsApprox true when the store estimated visitors (and what is built on them) with a
 *     sketch; absent when they are exact
 * @param visitorsRelativeStandardError the sketch's relative standard error when visitorsApprox
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryResult(String site, String from, String to, String timeZone, List<String> metrics, List<String> dimensions,
    String compareFrom, String compareTo, List<Row> results, long totalRows, Boolean visitorsApprox, Double visitorsRelativeStandardError) {

  /** This answer, saying that its visitors are a sketch's estimate when it holds any. */
  public QueryResult withSketchedVisitors(double relativeStandardError) {
    boolean estimated = metrics.contains(Metric.VISITORS.wireName()) || metrics.contains(Metric.AVG_TIME_PER_VISITOR_SECONDS.wireName());
    return !estimated ? this : new QueryResult(site, from, to, timeZone, metrics, dimensions, compareFrom, compareTo, results, totalRows,
        true, relativeStandardError);
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(List<String> dimensions, List<Number> metrics, Comparison comparison) {}

  /** The same metrics over the other range, for the row of the same dimension values there. */
  public record Comparison(List<String> dimensions, List<Number> metrics) {}
}
