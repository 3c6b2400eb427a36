package com.clozette.analytics.druid;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One HTTP client to Druid (overlord and SQL), shared by supervisor submission and reports. */
public final class DruidConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DruidConnection.class);
  private final Vertx vertx;
  private final DruidSettings settings;
  private final WebClient client;
  private volatile boolean closed;
  private volatile long retryTimer = -1;

  public DruidConnection(Vertx vertx, DruidSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000));
  }

  /**
   * Submits the specs of {@link DruidSettings#specDir()} whose datasource has no supervisor yet, in the
   * background, again every {@code retry} until Druid took them all: collectors and the stream
   * processor need only Kafka, so Druid being down (or started after this system) delays reports,
   * not the acceptance of events. The specs ingest from the earliest offset, so a late submission
   * loses nothing. Fails at once only when a spec file cannot be read.
   */
  public void submitMissingSupervisors(Duration retry) throws IOException {
    List<JsonNode> specs = Supervisors.load(settings.specDir(), settings.specVariables());
    submitUntilDone(specs, retry.toMillis());
  }

  private void submitUntilDone(List<JsonNode> specs, long retryMillis) {
    if (closed) {
      return;
    }
    Supervisors.submitMissing(client, settings, specs)
        .onFailure(failure -> {
          if (closed) {
            return;
          }
          LOG.warn("cannot submit the Druid supervisors yet ({}); retrying in {} ms", failure.getMessage(), retryMillis);
          retryTimer = vertx.setTimer(retryMillis, id -> submitUntilDone(specs, retryMillis));
        });
  }

  /** The status of the supervisor of each datasource this system reads, in the settings' order. */
  public Future<List<SupervisorStatus>> supervisorStatuses() {
    List<Future<SupervisorStatus>> statuses = List.of(settings.eventsDatasource(), settings.sessionsDatasource(), settings.pageviewsDatasource()).stream()
        .map(datasource -> SupervisorStatus.fetch(client, settings, datasource)).toList();
    return Future.all(statuses).map(all -> statuses.stream().map(Future::result).toList());
  }

  public DruidReportStore reportStore() {
    return new DruidReportStore(vertx, new DruidSql(client, settings.sqlUrl(), settings.queryTimeout().toMillis()), settings);
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(retryTimer);
    client.close();
  }
}
