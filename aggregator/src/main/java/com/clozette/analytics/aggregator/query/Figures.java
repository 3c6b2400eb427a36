package com.clozette.analytics.aggregator.query;

/**
 * The additive counts of one row (docs/QUERY.md): every metric is computed from them.
 *
 * @param pageviews matching pageviews in range
 * @param visitors distinct visitors of those pageviews
 * @param sessions sessions started in range holding a matching pageview of the row
 * @param durationMillis those sessions' total length
 * @param bounces those sessions with exactly one pageview
 * @param exits those sessions whose exit page is the row's page (only counted with the page dimension)
 */
public record Figures(long pageviews, long visitors, long sessions, long durationMillis, long bounces, long exits) {
  public static final Figures NONE = new Figures(0, 0, 0, 0, 0, 0);
}
