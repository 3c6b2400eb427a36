package com.clozette.analytics.bench;

import com.clozette.analytics.aggregator.report.PageCount;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The approach the store is measured against: every report sessionises the site's raw events with
 * window functions at query time. Also an independent check of the materialised answer.
 */
final class NaiveReport {
  private NaiveReport() {}

  private static final String SESSIONS = """
      WITH counted AS (
        SELECT vid, ts, id, type, path FROM events WHERE site = ? AND NOT bot
      ), marked AS (
        SELECT *, CASE WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > 1800000 THEN 1 ELSE 0 END AS starts
        FROM counted WINDOW w AS (PARTITION BY vid ORDER BY ts, id)
      ), numbered AS (
        SELECT *, sum(starts) OVER (PARTITION BY vid ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS run FROM marked
      )
      SELECT min(ts) AS start_ts, max(ts) AS end_ts, count(*) FILTER (WHERE type = 'pageview') AS pageviews,
        first(path ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS entry_path,
        last(path ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS exit_path
      FROM numbered GROUP BY vid, run""";

  static Report report(Connection connection, ReportQuery query) throws SQLException {
    long from = query.from().toEpochMilli();
    long to = query.to().toEpochMilli();
    try (PreparedStatement statement = connection.prepareStatement("""
        WITH s AS (%s), inrange AS (SELECT * FROM s WHERE pageviews > 0 AND start_ts >= ? AND start_ts < ?),
        views AS (SELECT path, count(*) AS n FROM events WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ? GROUP BY path),
        totals AS (SELECT sum(n) AS pageviews FROM views),
        visitors AS (SELECT count(DISTINCT vid) AS n FROM events WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ?),
        agg AS (SELECT count(*) AS sessions, coalesce(sum(end_ts - start_ts), 0) AS total, count(*) FILTER (WHERE pageviews = 1) AS bounces FROM inrange),
        entries AS (SELECT entry_path AS path, count(*) AS n FROM inrange GROUP BY 1 ORDER BY n DESC, path LIMIT ?),
        exits AS (SELECT exit_path AS path, count(*) AS n FROM inrange GROUP BY 1 ORDER BY n DESC, path LIMIT ?)
        SELECT 'total', coalesce((SELECT pageviews FROM totals), 0), (SELECT n FROM visitors), sessions, total, bounces FROM agg
        UNION ALL SELECT 'entry:' || path, n, NULL, NULL, NULL, NULL FROM (SELECT * FROM entries ORDER BY n DESC, path)
        UNION ALL SELECT 'exit:' || exits.path, exits.n, views.n, NULL, NULL, NULL FROM (SELECT * FROM exits ORDER BY n DESC, path) exits LEFT JOIN views USING (path)
        """.formatted(SESSIONS))) {
      int i = 1;
      statement.setString(i++, query.site());
      statement.setLong(i++, from);
      statement.setLong(i++, to);
      for (int k = 0; k < 2; k++) {
        statement.setString(i++, query.site());
        statement.setLong(i++, from);
        statement.setLong(i++, to);
      }
      statement.setInt(i++, query.top());
      statement.setInt(i, query.top());
      long pageviews = 0, visitors = 0, sessions = 0, total = 0, bounces = 0;
      List<PageCount> entries = new ArrayList<>();
      List<PageCount> exits = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String key = rows.getString(1);
          if (key.equals("total")) {
            pageviews = rows.getLong(2);
            visitors = rows.getLong(3);
            sessions = rows.getLong(4);
            total = rows.getLong(5);
            bounces = rows.getLong(6);
          } else if (key.startsWith("entry:")) {
            entries.add(new PageCount(key.substring(6), rows.getLong(2), null));
          } else {
            long views = rows.getLong(3);
            exits.add(new PageCount(key.substring(5), rows.getLong(2), views == 0 ? 0.0 : Report.round6(rows.getLong(2) / (double) views)));
          }
        }
      }
      entries.sort(NaiveReport::byCountThenPath);
      exits.sort(NaiveReport::byCountThenPath);
      double seconds = total / 1000.0;
      return new Report(query.site(), query.from().toString(), query.to().toString(), pageviews, visitors, sessions,
          sessions == 0 ? 0.0 : Report.round6(seconds / sessions),
          visitors == 0 ? 0.0 : Report.round6(seconds / visitors),
          sessions == 0 ? 0.0 : Report.round6((double) bounces / sessions), entries, exits);
    }
  }

  private static int byCountThenPath(PageCount a, PageCount b) {
    int byCount = Long.compare(b.sessions(), a.sessions());
    return byCount != 0 ? byCount : a.path().compareTo(b.path());
  }
}
