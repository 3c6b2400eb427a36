package com.clozette.analytics.aggregator.query;

import com.clozette.analytics.aggregator.report.Dimension;
import java.util.List;
import java.util.Locale;

/** A predicate over pageviews, each seen with its page and its session's attributes (docs/QUERY.md). */
public sealed interface Filter {
  /** How a condition compares a pageview's value with the condition's values: plain equality or substring, never a pattern. */
  enum Operator {
    IS, IS_NOT, CONTAINS, CONTAINS_NOT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean negated() {
      return this == IS_NOT || this == CONTAINS_NOT;
    }

    public boolean substring() {
      return this == CONTAINS || this == CONTAINS_NOT;
    }

    public static Operator fromWireName(String name) {
      for (Operator operator : values()) {
        if (operator.wireName().equals(name)) {
          return operator;
        }
      }
      return null;
    }

    /** Whether a value passes: the one reading of the operators, for anything that evaluates filters in memory. */
    public boolean test(String value, List<String> values) {
      boolean any = values.stream().anyMatch(candidate -> substring() ? value.contains(candidate) : value.equals(candidate));
      return negated() != any;
    }
  }

  record Condition(Operator operator, Dimension dimension, List<String> values) implements Filter {
    public Condition {
      values = List.copyOf(values);
    }
  }

  record And(List<Filter> filters) implements Filter {
    public And {
      filters = List.copyOf(filters);
    }
  }

  record Or(List<Filter> filters) implements Filter {
    public Or {
      filters = List.copyOf(filters);
    }
  }

  record Not(Filter filter) implements Filter {}
}
