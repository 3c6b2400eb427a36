package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.CollectorMetrics;
import com.clozette.analytics.collector.sink.EventSink;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.InvalidEventException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path every beacon takes, whichever endpoint it came in by: read and validate each event,
 * drop those the site's Do Not Track choice excludes, hand the rest to the sink, and count it all.
 * The returned future succeeds only once the sink has the accepted events, which is what lets the
 * endpoints acknowledge.
 */
final class Ingest {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
  static final String ORIGIN_NOT_ALLOWED = "origin_not_allowed";

  private final BeaconReader reader;
  private final EventSink sink;
  private final Set<String> dropDoNotTrack;
  private final CollectorMetrics metrics;
  /** Set while the sink fails, so that an outage is logged once rather than once per request. */
  private final AtomicBoolean sinkFailing = new AtomicBoolean();

  Ingest(BeaconReader reader, EventSink sink, Set<String> dropDoNotTrack, CollectorMetrics metrics) {
    this.reader = reader;
    this.sink = sink;
    this.dropDoNotTrack = Set.copyOf(dropDoNotTrack);
    this.metrics = metrics;
  }

  /** Reads the event at an index of one request with the reader; the request's facts are the source's to hold. */
  @FunctionalInterface
  interface Beacons {
    Event read(BeaconReader reader, int index) throws InvalidEventException;
  }

  /**
   * Fails only when the sink does; refused events are in the outcome, not a failure.
   *
   * @param count how many events the request holds
   * @param originSites the sites the request's browser origin may post events of (CORS), or null for
   *     a request without an Origin, which may post any configured site's
   */
  Future<Outcome> accept(int count, Beacons beacons, RequestFacts facts, VisitorIds visitors, Set<String> originSites) {
    List<Event> events = new ArrayList<>(count);
    List<Problem> problems = new ArrayList<>(0);
    for (int i = 0; i < count; i++) {
      Event event;
      try {
        event = beacons.read(reader, i);
      } catch (InvalidEventException e) {
        metrics.rejected(e.reason());
        problems.add(new Problem(i, e.reason(), e.getMessage()));
        continue;
      }
      if (originSites != null && !originSites.contains(event.site())) {
        metrics.rejected(ORIGIN_NOT_ALLOWED);
        problems.add(new Problem(i, ORIGIN_NOT_ALLOWED, "this origin may not send events of site '" + event.site() + "'"));
        continue;
      }
      if (facts.doNotTrack() && dropDoNotTrack.contains(event.site())) {
        metrics.dropped("do_not_track");
      } else {
        events.add(event);
      }
    }
    if (events.isEmpty()) {
      return Future.succeededFuture(new Outcome(0, problems, null));
    }
    String newVisitorId = usedMintedId(events, visitors.minted());
    return sink.store(events)
        .map(stored -> {
          metrics.appended(events.size());
          if (sinkFailing.compareAndSet(true, false)) {
            LOG.info("the event sink accepts events again");
          }
          return new Outcome(events.size(), problems, newVisitorId);
        })
        .onFailure(failure -> {
          metrics.unacknowledged(events.size());
          if (sinkFailing.compareAndSet(false, true)) {
            LOG.error("the event sink failed; beacons are answered 503 until it recovers", failure);
          }
        });
  }

  private static String usedMintedId(List<Event> events, String minted) {
    if (minted == null) {
      return null;
    }
    for (Event event : events) {
      if (minted.equals(event.vid())) {
        return minted;
      }
    }
    return null;
  }
}
