package com.clozette.analytics.server.config;

import com.clozette.analytics.aggregator.store.StoreSettings;
import com.clozette.analytics.collector.CollectorSettings;
import com.clozette.analytics.log.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/** Everything an operator sets, validated; see config/analytics.yaml for each key. */
public record AnalyticsConfig(
    String host,
    int port,
    Tls tls,
    Path dataDir,
    List<Site> sites,
    Log log,
    Duration sessionGap,
    Auth auth,
    ScaleOut scaleOut,
    Collector collector,
    DuckDb duckdb,
    Metrics metrics) {

  /** The one-machine shape: the local event log and DuckDB. */
  public AnalyticsConfig(String host, int port, Tls tls, Path dataDir, List<Site> sites, Log log, Duration sessionGap, Auth auth) {
    this(host, port, tls, dataDir, sites, log, sessionGap, auth, ScaleOut.EMBEDDED, Collector.DEFAULTS, DuckDb.DEFAULTS, Metrics.OPEN);
  }

  /** The embedded store's bounds (config/analytics.yaml {@code duckdb}). */
  public record DuckDb(int memoryLimitMb, int threads, Duration dedupeWindow, Duration loadWindow, Duration queryTimeout) {
    public static final DuckDb DEFAULTS = new DuckDb(StoreSettings.DEFAULT_MEMORY_LIMIT_MB, StoreSettings.DEFAULT_THREADS,
        StoreSettings.DEFAULT_DEDUPE_WINDOW, Duration.ofMillis(250), StoreSettings.DEFAULT_QUERY_TIMEOUT);

    /** The store's settings with this many report readers and this session gap. */
    public StoreSettings storeSettings(int readers, Duration sessionGap) {
      return new StoreSettings(readers, sessionGap.toMillis(), memoryLimitMb, threads, dedupeWindow, queryTimeout, java.time.Clock.systemUTC());
    }
  }

  /** Where reports come from: the embedded DuckDB store, or Druid. */
  public enum Store { DUCKDB, DRUID }

  /** Where the collector and import put events: the local event log, or Kafka. */
  public enum Sink { LOG, KAFKA }

  /** The scale-out shape (README "Running at scale"); Kafka and Druid settings are unused when embedded. */
  public record ScaleOut(Store store, Sink sink, Kafka kafka, Druid druid) {
    public static final ScaleOut EMBEDDED = new ScaleOut(Store.DUCKDB, Sink.LOG, null, null);

    public boolean isDruid() {
      return store == Store.DRUID;
    }
  }

  /** @param publishAfterIdle how long a visitor goes without an arrival before its last session's pageview rows are written */
  public record Kafka(String bootstrap, String eventsTopic, String cleanTopic, String sessionsTopic, String pageviewsTopic, int partitions,
      int replication, String applicationId, Duration sendTimeout, Duration deliveryTimeout, Duration stateRetention,
      Duration visitorRetention, Duration publishAfterIdle, boolean streamProcessor) {}

  public record Druid(String url, String overlordUrl, Path specDir, String eventsDatasource, String sessionsDatasource,
      String pageviewsDatasource, Duration queryTimeout) {}

  /**
   * PEM certificate chain and private key; when given, the server speaks only HTTPS. Null for plain HTTP.
   *
   * @param hstsMaxAgeSeconds the max-age of the Strict-Transport-Security header on every answer; 0 sends none
   */
  public record Tls(Path certFile, Path keyFile, long hstsMaxAgeSeconds) {
    public static final long DEFAULT_HSTS_MAX_AGE_SECONDS = 31_536_000;
  }

  /**
   * Who may read /metrics.
   *
   * @param tokenSha256 SHA-256 hex of the bearer token a scraper must send, or null: open to anyone who
   *     reaches the port, as Prometheus expects by default
   */
  public record Metrics(String tokenSha256) {
    public static final Metrics OPEN = new Metrics(null);
  }

  /**
   * The collector's visitor cookie and the proxies whose X-Forwarded-For / X-Forwarded-Proto it believes.
   *
   * @param cookieDomain the cookie's Domain attribute, or null for a host-only cookie
   * @param trustedProxies IP addresses or CIDR blocks, validated
   */
  public record Collector(String cookieName, String cookieDomain, List<String> trustedProxies) {
    public static final Collector DEFAULTS = new Collector(CollectorSettings.DEFAULT_COOKIE_NAME, null, List.of());
  }

  /** A site the collector accepts and reports cover. */
  public record Site(String id, ZoneId timeZone, List<String> origins, DoNotTrack doNotTrack) {}

  /** What the collector does with an event sent with {@code DNT: 1} or {@code Sec-GPC: 1}. */
  public enum DoNotTrack { IGNORE, DROP }

  public record Log(long segmentBytes, FsyncPolicy fsync, Duration fsyncInterval, Duration retention, boolean preallocate) {}

  /** A configured token: SHA-256 hex of its value, role, and for partners the sites and k. */
  public record Token(String name, String sha256, String role, Set<String> sites, int smallCellK) {}

  public record Auth(List<Token> tokens) {}

  public Set<String> siteIds() {
    return sites.stream().map(Site::id).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
