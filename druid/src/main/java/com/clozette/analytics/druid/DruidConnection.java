package com.clozette.analytics.druid;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** One HTTP client to Druid (overlord and SQL), shared by supervisor submission and reports. */
public final class DruidConnection implements AutoCloseable {
  private final Vertx vertx;
  private final DruidSettings settings;
  private final WebClient client;

  public DruidConnection(Vertx vertx, DruidSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000));
  }

  /** Submits the specs of {@link DruidSettings#specDir()} whose datasource has no supervisor yet. */
  public Future<Void> submitMissingSupervisors() {
    return Supervisors.submitMissing(vertx, client, settings);
  }

  public DruidReportStore reportStore() {
    return new DruidReportStore(new DruidSql(client, settings.sqlUrl(), settings.queryTimeout().toMillis()), settings);
  }

  @Override
  public void close() {
    client.close();
  }
}
