package com.clozette.analytics.collector;

import com.clozette.analytics.collector.sink.LocalLogSink;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.LogPosition;
import com.clozette.analytics.log.LogReader;
import com.clozette.analytics.log.LogRecord;
import com.clozette.analytics.log.LogSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The collector as the server runs it: its routes and HTTP limits on a real Vert.x server on a free
 * loopback port, over a real event log in a temporary directory, with a fixed clock.
 */
final class CollectorServer implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final String PAGE = "https://www.clozette.co.id/looks/1";
  static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  /** Shared by every test: Yauaa takes seconds to load its rules. */

  /** clozette-id keeps Do-Not-Track events, clozette-sg drops them. */
  static final List<CollectorSettings.Site> SITES = List.of(
      new CollectorSettings.Site("clozette-id", List.of("https://www.clozette.co.id", "http://www.clozette.co.id"), false),
      new CollectorSettings.Site("clozette-sg", List.of("https://www.clozette.co"), true));

  final EventLog log;
  final SimpleMeterRegistry metrics;
  final WebClient client;
  private final HttpServer http;

  private CollectorServer(EventLog log, SimpleMeterRegistry metrics, HttpServer http, WebClient client) {
    this.log = log;
    this.metrics = metrics;
    this.http = http;
    this.client = client;
  }

  static CollectorServer start(Vertx vertx, Path dir) {
    return start(vertx, dir, List.of());
  }

  static CollectorServer start(Vertx vertx, Path dir, List<IpRange> trustedProxies) {
    return start(vertx, dir, new CollectorSettings(SITES, CollectorSettings.DEFAULT_COOKIE_NAME, null, trustedProxies));
  }

  static CollectorServer start(Vertx vertx, Path dir, CollectorSettings settings) {
    EventLog log;
    try {
      log = EventLog.open(dir.resolve("log"), LogSettings.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    CollectorMetrics collectorMetrics = new CollectorMetrics(metrics);
    Router router = new CollectorRoutes(settings, new LocalLogSink(log), collectorMetrics,
        Clock.fixed(NOW, ZoneOffset.UTC)).mount(Router.router(vertx));
    HttpServer http = vertx.createHttpServer(HttpLimits.applyTo(new HttpServerOptions()))
        .invalidRequestHandler(HttpLimits.invalidRequestHandler(collectorMetrics))
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .await();
    WebClient client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(http.actualPort())
        .setUserAgentEnabled(false)
        .setMaxHeaderSize(64 * 1024));
    return new CollectorServer(log, metrics, http, client);
  }


  int port() {
    return http.actualPort();
  }

  HttpRequest<Buffer> get(String uri) {
    return client.request(HttpMethod.GET, uri).putHeader("User-Agent", CHROME);
  }

  HttpRequest<Buffer> post(String uri) {
    return client.request(HttpMethod.POST, uri).putHeader("User-Agent", CHROME);
  }

  /** Everything in the event log: an acknowledged event is there by the time its answer arrives. */
  List<Event> stored() {
    List<Event> events = new ArrayList<>();
    try (LogReader reader = log.openReader(LogPosition.START)) {
      List<LogRecord> records;
      while (!(records = reader.poll(1_000, Duration.ZERO)).isEmpty()) {
        records.forEach(record -> events.add(EventCodec.decode(record.payload())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return events;
  }

  Event onlyStored() {
    List<Event> events = stored();
    if (events.size() != 1) {
      throw new AssertionError("expected one stored event, found " + events);
    }
    return events.get(0);
  }

  /** The raw bytes of every segment file of the log. */
  byte[] logFileBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(log.directory())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        bytes.write(Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  double count(String name, String... tags) {
    Counter counter = metrics.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  double rejected(String reason) {
    return count("analytics.events.rejected", "source", "collector", "reason", reason);
  }

  @Override
  public void close() {
    client.close();
    http.close().await();
    log.close();
  }
}
