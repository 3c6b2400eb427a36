package com.clozette.analytics.aggregator.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer of the query API (docs/QUERY.md): rows of dimension values and metric values in the
 * order of the request, one page of them, and how many rows there are in all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryResult(String site, String from, String to, String timeZone, List<String> metrics, List<String> dimensions,
    String compareFrom, String compareTo, List<Row> results, long totalRows) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(List<String> dimensions, List<Number> metrics, Comparison comparison) {}

  /** The same metrics over the other range, for the row of the same dimension values there. */
  public record Comparison(List<String> dimensions, List<Number> metrics) {}
}
