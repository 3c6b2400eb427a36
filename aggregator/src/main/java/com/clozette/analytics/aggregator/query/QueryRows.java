package com.clozette.analytics.aggregator.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the rows a store computed into the answer: labels of time buckets, metric values from the
 * figures, the comparison beside each row. Stores only group and count.
 */
public final class QueryRows {
  private QueryRows() {}

  /**
   * One row as a store computes it.
   *
   * @param keys the dimension values in the query's order; the time dimension's is the bucket's
   *     position (an Integer), the others Strings
   * @param comparison the figures of the same keys over the other range; null without compare
   */
  public record Counted(List<Object> keys, Figures figures, Figures comparison) {}

  public static QueryResult answer(Query query, List<Counted> page, long totalRows) {
    List<Query.Bucket> buckets = query.buckets();
    List<Query.Bucket> compareBuckets = query.compareBuckets();
    List<QueryResult.Row> rows = new ArrayList<>(page.size());
    for (Counted counted : page) {
      QueryResult.Comparison comparison = null;
      if (query.compares()) {
        Figures other = counted.comparison() == null ? Figures.NONE : counted.comparison();
        comparison = new QueryResult.Comparison(labels(counted.keys(), compareBuckets), values(query, other));
      }
      rows.add(new QueryResult.Row(labels(counted.keys(), buckets), values(query, counted.figures()), comparison));
    }
    return new QueryResult(query.site(), query.from().toString(), query.to().toString(), query.zone().getId(),
        query.metrics().stream().map(Metric::wireName).toList(), query.dimensions().stream().map(GroupBy::wireName).toList(),
        query.compares() ? query.compareFrom().toString() : null, query.compares() ? query.compareTo().toString() : null,
        rows, totalRows, null, null);
  }

  /**
   * The answer of a query grouped by time alone (or by nothing) from each bucket's figures: every
   * bucket a row, zeros included, the other range's buckets matched by position (none past its end).
   */
  public static QueryResult byBucket(Query query, List<Figures> figures, List<Figures> comparison) {
    List<Counted> rows = new ArrayList<>(figures.size());
    for (int i = 0; i < figures.size(); i++) {
      List<Object> keys = query.dimensions().isEmpty() ? List.of() : List.of(i);
      Figures other = !query.compares() ? null : i < comparison.size() ? comparison.get(i) : Figures.NONE;
      rows.add(new Counted(keys, figures.get(i), other));
    }
    return answer(query, orderAndPage(query, rows), rows.size());
  }

  /**
   * The rows in the query's order (docs/QUERY.md: the requested keys, then the time dimension
   * ascending or the first metric descending, then every dimension ascending), one page of them.
   * For stores that hold every row in memory anyway; the SQL translation orders the same way.
   */
  public static List<Counted> orderAndPage(Query query, List<Counted> rows) {
    List<Counted> sorted = new ArrayList<>(rows);
    sorted.sort(order(query));
    int from = Math.min(query.offset(), sorted.size());
    return sorted.subList(from, Math.min(sorted.size(), from + query.limit()));
  }

  /** The full order of rows, as keys of {@link Counted}. */
  public static Comparator<Counted> order(Query query) {
    Comparator<Counted> order = (a, b) -> 0;
    for (Order key : orderKeys(query)) {
      Comparator<Counted> byKey = byField(query, key.field());
      order = order.thenComparing(key.descending() ? byKey.reversed() : byKey);
    }
    return order;
  }

  /** The requested order followed by the default keys that make it total. */
  public static List<Order> orderKeys(Query query) {
    List<Order> keys = new ArrayList<>(query.orderBy());
    if (query.interval() != null) {
      keys.add(new Order(query.dimensions().stream().filter(GroupBy::isTime).findFirst().orElseThrow().wireName(), false));
    } else {
      keys.add(new Order(query.metrics().get(0).wireName(), true));
    }
    for (GroupBy dimension : query.dimensions()) {
      keys.add(new Order(dimension.wireName(), false));
    }
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static Comparator<Counted> byField(Query query, String field) {
    for (int i = 0; i < query.dimensions().size(); i++) {
      if (query.dimensions().get(i).wireName().equals(field)) {
        int index = i;
        return (a, b) -> a.keys().get(index) instanceof String text
            ? byCodePoint(text, (String) b.keys().get(index))
            : ((Comparable<Object>) a.keys().get(index)).compareTo(b.keys().get(index));
      }
    }
    Metric metric = Metric.fromWireName(field);
    return Comparator.comparingDouble(row -> metric.of(row.figures()).doubleValue());
  }

  /**
   * Strings in code point order, as SQL stores order text (UTF-8 bytes): Java's own order compares
   * UTF-16 units, which puts characters beyond U+FFFF before U+E000..U+FFFF.
   */
  static int byCodePoint(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static List<String> labels(List<Object> keys, List<Query.Bucket> buckets) {
    List<String> labels = new ArrayList<>(keys.size());
    for (Object key : keys) {
      if (key instanceof Integer bucket) {
        labels.add(bucket < buckets.size() ? buckets.get(bucket).start().toString() : null);
      } else {
        labels.add((String) key);
      }
    }
    return labels;
  }

  private static List<Number> values(Query query, Figures figures) {
    return query.metrics().stream().map(metric -> metric.of(figures)).toList();
  }
}
