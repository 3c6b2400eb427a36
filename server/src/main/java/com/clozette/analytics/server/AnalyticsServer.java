package com.clozette.analytics.server;

import com.clozette.analytics.aggregator.auth.Principal;
import com.clozette.analytics.aggregator.auth.Role;
import com.clozette.analytics.aggregator.auth.TokenAuthenticator;
import com.clozette.analytics.aggregator.importer.Importer;
import com.clozette.analytics.aggregator.http.Sites;
import com.clozette.analytics.aggregator.load.EventLoader;
import com.clozette.analytics.aggregator.report.CachingReportStore;
import com.clozette.analytics.aggregator.report.ReportStore;
import com.clozette.analytics.aggregator.store.DuckDbStore;
import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.HttpLimits;
import com.clozette.analytics.collector.sink.EventSink;
import com.clozette.analytics.collector.sink.LocalLogSink;
import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.event.EventParser;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.LogSettings;
import com.clozette.analytics.server.config.AnalyticsConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process: the event log, the store, the loader between them, and one HTTP
 * server for the collector, the API and the dashboard. Built from config in the order below; closed
 * in reverse.
 */
public final class AnalyticsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsServer.class);
  private static final int LOADER_MAX_BATCH = 50_000;
  private static final int USER_AGENT_CACHE = 20_000;
  /** Rows of cached report answers in all (about 100-150 bytes of heap each: at most ~30 MB). */
  private static final int REPORT_CACHE_ROWS = 200_000;
  private static final String HSTS_HEADER = "Strict-Transport-Security";
  /** TLS 1.0 and 1.1 are off: no current browser needs them, and they allow only weak suites. */
  private static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  /**
   * Forward secrecy and authenticated encryption only: TLS 1.3's suites, and for TLS 1.2 ECDHE with
   * AES-GCM or ChaCha20-Poly1305. Left out: static-RSA key exchange (no forward secrecy), CBC suites
   * (padding oracles, SHA-1 MACs) and finite-field DHE (slow, weak parameters in the wild). Every
   * browser of the tracker's ES2020 baseline offers these.
   */
  private static final List<String> TLS_CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final Vertx vertx;
  private final EventLog log;
  private final DuckDbStore store;
  private final EventLoader loader;
  /** The HTTP servers sharing the port, one per event loop; the first one chose the port. */
  private final List<HttpServer> http;
  private final Router router;
  private final PrometheusMeterRegistry metrics;
  private final ScaleOut scaleOut;

  private AnalyticsServer(Vertx vertx, EventLog log, DuckDbStore store, EventLoader loader, List<HttpServer> http, Router router,
      PrometheusMeterRegistry metrics, ScaleOut scaleOut) {
    this.vertx = vertx;
    this.log = log;
    this.store = store;
    this.loader = loader;
    this.http = http;
    this.router = router;
    this.metrics = metrics;
    this.scaleOut = scaleOut;
  }

  /** Starts everything; the future completes once the HTTP server listens and /health answers 200. */
  public static Future<AnalyticsServer> start(AnalyticsConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    return vertx.executeBlocking(() -> openStorage(vertx, config, metrics))
        .compose(storage -> {
          List<Router> routers = new CopyOnWriteArrayList<>();
          Supplier<Router> newRouter = () -> {
            Router router = new Routes(vertx, config, metrics, storage).build();
            routers.add(router);
            return router;
          };
          return listen(vertx, config, newRouter, new CollectorMetrics(metrics))
              .map(http -> new AnalyticsServer(vertx, storage.log(), storage.store(), storage.loader(), http, routers.get(0), metrics,
                  storage.scaleOut()))
              .onFailure(failure -> storage.close());
        })
        .onSuccess(server -> LOG.info("Clozette Analytics listening on {}://{}:{} (native transport: {})",
            config.tls() == null ? "http" : "https", config.host(), server.port(), vertx.isNativeTransportEnabled()))
        .onFailure(failure -> vertx.close());
  }

  /**
   * One HTTP server per core, each on its own event loop, sharing the port (Vert.x hands each new
   * connection to the next): a beacon's parsing, validation and encoding then run on both cores of a
   * 2-core machine instead of queueing behind one loop (issue 11, measured in BENCHMARKS.md). Port 0
   * (any free port) becomes -1, Vert.x's "one random port shared by every server asking for -1".
   * Each server gets a router of its own: some vertx-web handlers keep unsynchronised state (the
   * static handler's file cache), safe on one event loop only.
   */
  private static Future<List<HttpServer>> listen(Vertx vertx, AnalyticsConfig config, Supplier<Router> newRouter,
      CollectorMetrics collectorMetrics) {
    HttpServerOptions options = httpOptions(config.tls());
    Handler<HttpServerRequest> invalid = withHsts(config.tls(), HttpLimits.invalidRequestHandler(collectorMetrics));
    int port = config.port() == 0 ? -1 : config.port();
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            return vertx.createHttpServer(options).invalidRequestHandler(invalid).requestHandler(withHsts(config.tls(), newRouter.get()))
                .listen(port, config.host())
                .onSuccess(servers::add);
          }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .map(deployed -> servers);
  }

  /**
   * What the HTTP routes need from storage, opened before the server listens. With {@code store: druid}
   * there is no local log, DuckDB store or loader (null): events go to {@code sink} (Kafka), and
   * {@code scaleOut} holds what to close; with the embedded default {@code scaleOut} is null.
   */
  record Storage(EventLog log, DuckDbStore store, ReportStore reports, Sites sites, EventLoader loader, Importer importer,
      EventParser parser, UserAgentClassifier userAgents, TokenAuthenticator authenticator, EventSink sink,
      ScaleOut scaleOut) implements AutoCloseable {
    /** Stops the loader first, so nothing is being stored while the log and the store close. */
    @Override
    public void close() {
      if (scaleOut != null) {
        scaleOut.close();
        return;
      }
      loader.close();
      log.close();
      store.close();
    }
  }

  private static Storage openStorage(Vertx vertx, AnalyticsConfig config, PrometheusMeterRegistry metrics) {
    if (config.scaleOut().isDruid()) {
      return ScaleOut.open(vertx, config, metrics, new Sites(zones(config)), authenticator(config));
    }
    AnalyticsConfig.Log logConfig = config.log();
    LogSettings logSettings = new LogSettings(logConfig.segmentBytes(), logConfig.fsync(), logConfig.fsyncInterval(),
        logConfig.retention(), LogSettings.defaults().maxRecordBytes(), logConfig.preallocate());
    EventLog log;
    try {
      log = EventLog.open(config.dataDir().resolve("log"), logSettings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the event log under " + config.dataDir(), e);
    }
    DuckDbStore store = DuckDbStore.open(vertx, config.dataDir().resolve("analytics.duckdb"), config.duckdb().storeSettings(2, config.sessionGap()));
    CachingReportStore reports = new CachingReportStore(store, REPORT_CACHE_ROWS, metrics);
    store.addChangeListener(reports::onChange);
    UserAgentClassifier userAgents = classifier(metrics);
    EventLoader loader = new EventLoader(log, logConfig.segmentBytes(), store, LOADER_MAX_BATCH, config.duckdb().loadWindow(), userAgents, metrics).start();
    EventParser parser = new EventParser(new ObjectMapper(), config.siteIds());
    Importer importer = new Importer(parser, userAgents, store, metrics);
    return new Storage(log, store, reports, new Sites(zones(config)), loader, importer, parser, userAgents, authenticator(config),
        new LocalLogSink(log), null);
  }

  /**
   * The one classifier of this process, shared by the loader or stream processor and the importer;
   * {@code analytics_useragents_parsed_total} counts the user agents it had to parse (its cache
   * misses): once per distinct user agent, never on a request path.
   */
  static UserAgentClassifier classifier(MeterRegistry metrics) {
    UserAgentClassifier userAgents = new UserAgentClassifier(USER_AGENT_CACHE);
    FunctionCounter.builder("analytics.useragents.parsed", userAgents, UserAgentClassifier::parsed)
        .description("user agents parsed (not found in the classifier's cache)")
        .register(metrics);
    return userAgents;
  }

  private static Map<String, ZoneId> zones(AnalyticsConfig config) {
    Map<String, ZoneId> zones = new LinkedHashMap<>();
    config.sites().forEach(site -> zones.put(site.id(), site.timeZone()));
    return zones;
  }

  private static TokenAuthenticator authenticator(AnalyticsConfig config) {
    List<TokenAuthenticator.Grant> grants = config.auth().tokens().stream()
        .map(token -> new TokenAuthenticator.Grant(
            HexFormat.of().parseHex(token.sha256()),
            new Principal(token.name(), Role.valueOf(token.role().toUpperCase(java.util.Locale.ROOT)), token.sites(), token.smallCellK())))
        .toList();
    if (grants.isEmpty()) {
      LOG.warn("no API tokens are configured: set ANALYTICS_STAFF_TOKEN to read reports");
    }
    return new TokenAuthenticator(grants);
  }

  private static HttpServerOptions httpOptions(AnalyticsConfig.Tls tls) {
    HttpServerOptions options = new HttpServerOptions();
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(tls.certFile().toString())
          .setKeyPath(tls.keyFile().toString()));
      options.setEnabledSecureTransportProtocols(TLS_PROTOCOLS);
      TLS_CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    }
    return HttpLimits.applyTo(options).setCompressionSupported(false);
  }

  /**
   * Sends {@code Strict-Transport-Security} on every answer of an HTTPS server, before any handler
   * runs, so that routed, refused and unmatched requests alike carry it; plain HTTP never does (a
   * browser ignores it there, and the server behind a TLS proxy leaves it to the proxy).
   */
  private static Handler<HttpServerRequest> withHsts(AnalyticsConfig.Tls tls, Handler<HttpServerRequest> handler) {
    if (tls == null || tls.hstsMaxAgeSeconds() == 0) {
      return handler;
    }
    String hsts = "max-age=" + tls.hstsMaxAgeSeconds();
    return request -> {
      request.response().putHeader(HSTS_HEADER, hsts);
      handler.handle(request);
    };
  }

  public int port() {
    return http.get(0).actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The routing table, for the test that keeps the OpenAPI description in step with it. */
  public Router router() {
    return router;
  }

  public EventLoader loader() {
    return loader;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Waits until every event the log holds is in the store (tests use it instead of sleeping). */
  public void awaitLoaded(Duration timeout) throws InterruptedException {
    loader.awaitCaughtUp(timeout);
  }

  @Override
  public void close() {
    try {
      Future.all(http.stream().map(HttpServer::close).toList()).await();
      if (scaleOut != null) {
        scaleOut.close();
      } else {
        loader.close();
        log.close();
        store.close();
      }
    } finally {
      vertx.close().await();
    }
  }
}
