package com.clozette.analytics.aggregator.report;

import io.vertx.core.Future;

/**
 * The read side of the store, and the seam between one machine and many: DuckDB answers it on the
 * embedded default, Druid at scale. The HTTP API, auth and caching above it are the same for both.
 */
public interface ReportStore {
  Future<Report> report(ReportQuery query);
}
