package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.CollectorSettings;
import com.clozette.analytics.collector.sink.EventSink;
import com.clozette.analytics.event.EventParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

/** The beacon endpoints' handlers, wired once from the settings; routes are mounted by the caller. */
public final class Ingestion {
  private final PixelHandler pixel;
  private final ContentTypeCheck contentType;
  private final CollectHandler collect;
  private final CollectFailureHandler collectFailures;

  public Ingestion(CollectorSettings settings, EventSink sink, CollectorMetrics metrics, Clock clock) {
    Set<String> sites = settings.sites().stream().map(CollectorSettings.Site::id).collect(Collectors.toSet());
    Set<String> dropDoNotTrack = settings.sites().stream()
        .filter(CollectorSettings.Site::dropDoNotTrack)
        .map(CollectorSettings.Site::id)
        .collect(Collectors.toSet());
    BeaconReader reader = new BeaconReader(new EventParser(new ObjectMapper(), sites));
    Ingest ingest = new Ingest(reader, sink, dropDoNotTrack, metrics);
    RequestReader requests = new RequestReader(clock, new ClientAddress(settings.trustedProxies()), settings.cookieName());
    VisitorCookie cookie = new VisitorCookie(settings.cookieName(), settings.cookieDomain());
    this.pixel = new PixelHandler(requests, ingest, cookie, metrics);
    this.contentType = new ContentTypeCheck(metrics);
    this.collect = new CollectHandler(requests, ingest, cookie, metrics);
    this.collectFailures = new CollectFailureHandler();
  }

  /** GET and HEAD /p.gif. */
  public Handler<RoutingContext> pixel() {
    return pixel;
  }

  /** POST /collect, before the body is read: refuses other media types. */
  public Handler<RoutingContext> collectContentType() {
    return contentType;
  }

  /** POST /collect: reads the body within its limit and stores its events. */
  public Handler<RoutingContext> collect() {
    return collect;
  }

  /** The failure handler of POST /collect. */
  public Handler<RoutingContext> collectFailures() {
    return collectFailures;
  }
}
