package com.clozette.analytics.aggregator.report;

import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import io.vertx.core.Future;
import java.util.List;

/**
 * The read side of the store, and the seam between one machine and many: DuckDB answers it on the
 * embedded default, Druid at scale. The HTTP API, auth, caching and exports above it are the same
 * code for both.
 */
public interface ReportStore {
  Future<Report> report(ReportQuery query);

  /** The query model's unfiltered question by time, in the time series' shape: the same figures from every store. */
  default Future<Results.TimeSeries> timeSeries(Queries.Series series) {
    return query(series.asQuery()).map(series::answer);
  }

  Future<Results.Breakdown> breakdown(Queries.Breakdown query);

  Future<Results.VisitorSummary> visitors(Queries.Visitors query);

  /** Pageviews of bots (never counted anywhere else) by name and flagging rule. Never cached. */
  Future<Results.BotTraffic> bots(Queries.Bots query);

  /** Visitors with any counted event, and pageviews, in the window up to now. Never cached. */
  Future<Results.Realtime> realtime(String site, java.time.Duration window);

  /** Entry and exit page rows per day for the partner export, small cells folded into (other). */
  Future<List<Results.PageRow>> pageExport(Queries.PageExport query);

  /** Any metrics by any dimensions under any filter (docs/QUERY.md); a store that cannot translate it fails with a 501. */
  Future<QueryResult> query(Query query);
}
