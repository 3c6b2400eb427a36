package com.clozette.analytics.aggregator.query;

import com.clozette.analytics.aggregator.http.ApiException;
import com.clozette.analytics.aggregator.http.Params;
import com.clozette.analytics.aggregator.report.Dimension;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks a query body (docs/QUERY.md), failing with a 400 whose message names the bad
 * part by its JSON path ({@code filters[1][2]: unknown dimension 'pag'}). Ranges are checked by
 * {@link Params}, as every range of the API is. The work is bounded by the body's size limit and
 * the limits below, whatever the body holds.
 */
public final class QueryParser {
  public static final int MAX_METRICS = Metric.values().length;
  public static final int MAX_DIMENSIONS = 3;
  public static final int MAX_FILTER_DEPTH = 5;
  public static final int MAX_CONDITIONS = 50;
  public static final int MAX_VALUES = 100;
  public static final int MAX_VALUE_LENGTH = 1000;
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  public static final int MAX_OFFSET = 1_000_000;
  private static final Set<String> FIELDS = Set.of("site", "dateRange", "metrics", "dimensions", "filters", "orderBy", "limit", "offset", "compare");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;

  public QueryParser(Clock clock) {
    this.clock = clock;
  }

  /** The body as a JSON object; 400 invalid_query when it is not one. */
  public static JsonNode body(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw invalid("the body must be a JSON object");
      }
      return root;
    } catch (java.io.IOException e) {
      String reason = e instanceof JacksonException parsing ? parsing.getOriginalMessage() : e.getMessage();
      throw invalid("the body is not valid JSON: " + Params.abbreviate(String.valueOf(reason)));
    }
  }

  /** The site a body names, read before the rest so that the token's right to read it is checked first. */
  public static String site(JsonNode root) {
    JsonNode site = root.get("site");
    if (site == null || !site.isTextual() || site.asText().isBlank()) {
      throw invalid("site: required, a site id");
    }
    return site.asText();
  }

  /** The checked query for a body whose site is readable, in that site's zone. */
  public Query parse(JsonNode root, ZoneId zone) {
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw invalid(Params.abbreviate(name) + ": unknown field; the fields are " + FIELDS.stream().sorted().toList());
      }
    }
    String site = site(root);
    JsonNode rangeNode = root.get("dateRange");
    if (rangeNode == null) {
      throw invalid("dateRange: required");
    }
    Params.Range range = range("dateRange", rangeNode, site, zone);
    List<Metric> metrics = metrics(root.get("metrics"));
    List<GroupBy> dimensions = dimensions(root.get("dimensions"));
    if (metrics.contains(Metric.EXIT_RATE) && !dimensions.contains(GroupBy.of(Dimension.PAGE))) {
      throw invalid("metrics: exitRate needs the page dimension");
    }
    Filter filter = filters(root.get("filters"));
    List<Order> orderBy = orderBy(root.get("orderBy"), metrics, dimensions);
    int limit = integer(root, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int offset = integer(root, "offset", 0, 0, MAX_OFFSET);
    Params.Range compare = compare(root.get("compare"), range);
    for (GroupBy dimension : dimensions) {
      if (dimension.isTime()) {
        Params.requireBucketsWithinCap(dimension.time(), range.from(), range.to(), zone);
        if (compare != null) {
          Params.requireBucketsWithinCap(dimension.time(), compare.from(), compare.to(), zone);
        }
      }
    }
    return new Query(site, range.from(), range.to(), zone, metrics, dimensions, filter, orderBy, limit, offset,
        compare == null ? null : compare.from(), compare == null ? null : compare.to());
  }

  private Params.Range range(String path, JsonNode node, String site, ZoneId zone) {
    if (node.isTextual()) {
      return relative(path, node.asText(), site, zone);
    }
    if (!node.isArray() || node.size() != 2 || !node.get(0).isTextual() || !node.get(1).isTextual()) {
      throw invalid(path + ": two dates or instants such as [\"2026-11-01\", \"2026-11-30\"], or one of day, 7d, 30d, month, year");
    }
    Instant from = instantOrDate(path + "[0]", node.get(0).asText(), zone, false);
    Instant to = instantOrDate(path + "[1]", node.get(1).asText(), zone, true);
    return Params.checkedRange(site, from, to, zone);
  }

  /** A date is its day's start, or as the end of a range its day's end (inclusive days); an instant is itself. */
  private static Instant instantOrDate(String path, String value, ZoneId zone, boolean end) {
    try {
      if (value.length() == 10) {
        LocalDate date = LocalDate.parse(value);
        return (end ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
      }
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(path + ": a date such as 2026-11-02 or an instant such as 2026-11-02T00:00:00Z, not '" + Params.abbreviate(value) + "'");
    }
  }

  private Params.Range relative(String path, String word, String site, ZoneId zone) {
    LocalDate today = LocalDate.now(clock.withZone(zone));
    LocalDate first;
    LocalDate last;
    switch (word) {
      case "day" -> {
        first = today;
        last = today;
      }
      case "7d" -> {
        first = today.minusDays(6);
        last = today;
      }
      case "30d" -> {
        first = today.minusDays(29);
        last = today;
      }
      case "month" -> {
        first = today.withDayOfMonth(1);
        last = first.plusMonths(1).minusDays(1);
      }
      case "year" -> {
        first = today.withDayOfYear(1);
        last = first.plusYears(1).minusDays(1);
      }
      default -> throw invalid(path + ": one of day, 7d, 30d, month, year, or two dates or instants, not '" + Params.abbreviate(word) + "'");
    }
    return Params.checkedRange(site, first.atStartOfDay(zone).toInstant(), last.plusDays(1).atStartOfDay(zone).toInstant(), zone);
  }

  /** The comparison range; a refusal of it names {@code compare}. */
  private Params.Range compare(JsonNode node, Params.Range range) {
    try {
      return comparedRange(node, range);
    } catch (ApiException refused) {
      throw refused.getMessage().startsWith("compare") ? refused
          : new ApiException(refused.status(), refused.code(), "compare: " + refused.getMessage());
    }
  }

  private Params.Range comparedRange(JsonNode node, Params.Range range) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual() && node.asText().equals("previous_period")) {
      return previousPeriod(range);
    }
    if (node.isTextual() && node.asText().equals("year_over_year")) {
      return Params.checkedRange(range.site(), range.from().atZone(range.zone()).minusYears(1).toInstant(),
          range.to().atZone(range.zone()).minusYears(1).toInstant(), range.zone());
    }
    return range("compare", node, range.site(), range.zone());
  }

  /**
   * The period just before: as many whole months when the range is whole months (February before
   * March, not the 31 days before), as many local days when it is whole days (so a daylight-saving
   * change between them shifts no bucket), else the same duration.
   */
  private static Params.Range previousPeriod(Params.Range range) {
    ZonedDateTime from = range.from().atZone(range.zone());
    ZonedDateTime to = range.to().atZone(range.zone());
    boolean wholeDays = from.toLocalTime().equals(LocalTime.MIDNIGHT) && to.toLocalTime().equals(LocalTime.MIDNIGHT);
    if (wholeDays && from.getDayOfMonth() == 1 && to.getDayOfMonth() == 1) {
      long months = ChronoUnit.MONTHS.between(from.toLocalDate(), to.toLocalDate());
      return Params.checkedRange(range.site(), from.toLocalDate().minusMonths(months).atStartOfDay(range.zone()).toInstant(), range.from(),
          range.zone());
    }
    if (wholeDays) {
      long days = ChronoUnit.DAYS.between(from.toLocalDate(), to.toLocalDate());
      return Params.checkedRange(range.site(), from.toLocalDate().minusDays(days).atStartOfDay(range.zone()).toInstant(), range.from(),
          range.zone());
    }
    Duration length = Duration.between(range.from(), range.to());
    return Params.checkedRange(range.site(), range.from().minus(length), range.from(), range.zone());
  }

  private static List<Metric> metrics(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_METRICS) {
      throw invalid("metrics: required, a list of 1 to " + MAX_METRICS + " of " + names(Metric.values().length, i -> Metric.values()[i].wireName()));
    }
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      Metric metric = node.get(i).isTextual() ? Metric.fromWireName(node.get(i).asText()) : null;
      if (metric == null) {
        throw invalid("metrics[" + i + "]: unknown metric " + quoted(node.get(i)));
      }
      if (metrics.contains(metric)) {
        throw invalid("metrics[" + i + "]: " + metric.wireName() + " is asked twice");
      }
      metrics.add(metric);
    }
    return metrics;
  }

  private static List<GroupBy> dimensions(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_DIMENSIONS) {
      throw invalid("dimensions: a list of at most " + MAX_DIMENSIONS + " dimensions");
    }
    List<GroupBy> dimensions = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      GroupBy dimension = node.get(i).isTextual() ? GroupBy.fromWireName(node.get(i).asText()) : null;
      if (dimension == null) {
        throw invalid("dimensions[" + i + "]: unknown dimension " + quoted(node.get(i)) + "; the dimensions are time:hour, time:day, time:week, time:month, "
            + names(Dimension.values().length, d -> Dimension.values()[d].wireName()));
      }
      if (dimensions.contains(dimension)) {
        throw invalid("dimensions[" + i + "]: " + dimension.wireName() + " is asked twice");
      }
      if (dimension.isTime() && dimensions.stream().anyMatch(GroupBy::isTime)) {
        throw invalid("dimensions[" + i + "]: at most one time dimension");
      }
      dimensions.add(dimension);
    }
    return dimensions;
  }

  /** The top-level list is an implicit and; null when there is no filter. */
  private static Filter filters(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw invalid("filters: a list of filters");
    }
    if (node.isEmpty()) {
      return null;
    }
    int[] conditions = {0};
    List<Filter> all = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      all.add(filter("filters[" + i + "]", node.get(i), 1, conditions));
    }
    return all.size() == 1 ? all.get(0) : new Filter.And(all);
  }

  private static Filter filter(String path, JsonNode node, int depth, int[] conditions) {
    if (depth > MAX_FILTER_DEPTH) {
      throw invalid(path + ": filters nest at most " + MAX_FILTER_DEPTH + " deep");
    }
    if (!node.isArray() || node.isEmpty() || !node.get(0).isTextual()) {
      throw invalid(path + ": a filter such as [\"is\", \"page\", [\"/\"]], [\"and\", [...]], [\"or\", [...]] or [\"not\", filter]");
    }
    String op = node.get(0).asText();
    switch (op) {
      case "and", "or" -> {
        if (node.size() != 2 || !node.get(1).isArray() || node.get(1).isEmpty()) {
          throw invalid(path + ": [\"" + op + "\", [filters]] with a non-empty list");
        }
        List<Filter> parts = new ArrayList<>();
        for (int i = 0; i < node.get(1).size(); i++) {
          parts.add(filter(path + "[1][" + i + "]", node.get(1).get(i), depth + 1, conditions));
        }
        return op.equals("and") ? new Filter.And(parts) : new Filter.Or(parts);
      }
      case "not" -> {
        if (node.size() != 2) {
          throw invalid(path + ": [\"not\", filter]");
        }
        return new Filter.Not(filter(path + "[1]", node.get(1), depth + 1, conditions));
      }
      default -> {
        return condition(path, node, conditions);
      }
    }
  }

  private static Filter condition(String path, JsonNode node, int[] conditions) {
    Filter.Operator operator = Filter.Operator.fromWireName(node.get(0).asText());
    if (operator == null) {
      throw invalid(path + "[0]: unknown operator " + quoted(node.get(0)) + "; the operators are is, is_not, contains, contains_not, and, or, not");
    }
    if (++conditions[0] > MAX_CONDITIONS) {
      throw invalid(path + ": at most " + MAX_CONDITIONS + " conditions in all");
    }
    if (node.size() != 3) {
      throw invalid(path + ": [\"" + operator.wireName() + "\", dimension, [values]]");
    }
    JsonNode dimensionNode = node.get(1);
    GroupBy dimension = dimensionNode.isTextual() ? GroupBy.fromWireName(dimensionNode.asText()) : null;
    if (dimension == null) {
      throw invalid(path + "[1]: unknown dimension " + quoted(dimensionNode));
    }
    if (dimension.isTime()) {
      throw invalid(path + "[1]: time cannot be filtered; dateRange chooses the time");
    }
    JsonNode values = node.get(2);
    if (!values.isArray() || values.isEmpty() || values.size() > MAX_VALUES) {
      throw invalid(path + "[2]: a list of 1 to " + MAX_VALUES + " values");
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      JsonNode value = values.get(i);
      if (!value.isTextual() || value.asText().length() > MAX_VALUE_LENGTH) {
        throw invalid(path + "[2][" + i + "]: a string of at most " + MAX_VALUE_LENGTH + " characters");
      }
      list.add(value.asText());
    }
    return new Filter.Condition(operator, dimension.attribute(), list);
  }

  private static List<Order> orderBy(JsonNode node, List<Metric> metrics, List<GroupBy> dimensions) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_METRICS + MAX_DIMENSIONS) {
      throw invalid("orderBy: a list of [field, \"asc\" or \"desc\"]");
    }
    Set<String> requested = new HashSet<>();
    metrics.forEach(metric -> requested.add(metric.wireName()));
    dimensions.forEach(dimension -> requested.add(dimension.wireName()));
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isArray() || item.size() != 2 || !item.get(0).isTextual() || !item.get(1).isTextual()
          || !Set.of("asc", "desc").contains(item.get(1).asText())) {
        throw invalid("orderBy[" + i + "]: [field, \"asc\" or \"desc\"]");
      }
      if (!requested.contains(item.get(0).asText())) {
        throw invalid("orderBy[" + i + "][0]: " + quoted(item.get(0)) + " is not a requested metric or dimension");
      }
      orders.add(new Order(item.get(0).asText(), item.get(1).asText().equals("desc")));
    }
    return orders;
  }

  private static int integer(JsonNode root, String name, int defaultValue, int min, int max) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < min || node.asInt() > max) {
      throw invalid(name + ": an integer from " + min + " to " + max);
    }
    return node.asInt();
  }

  private static String quoted(JsonNode node) {
    return node.isTextual() ? "'" + Params.abbreviate(node.asText()) + "'" : Params.abbreviate(node.toString());
  }

  private static String names(int count, java.util.function.IntFunction<String> name) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(name.apply(i));
    }
    return String.join(", ", names);
  }

  private static ApiException invalid(String message) {
    return ApiException.badRequest("invalid_query", message);
  }
}
