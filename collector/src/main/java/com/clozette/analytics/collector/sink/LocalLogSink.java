package com.clozette.analytics.collector.sink;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.log.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** The sink of the one-machine system: the {@link EventLog} the loader tails into the store. */
public final class LocalLogSink implements EventSink {
  private final Vertx vertx;
  private final EventLog log;

  public LocalLogSink(Vertx vertx, EventLog log) {
    this.vertx = vertx;
    this.log = log;
  }

  @Override
  public Future<Void> store(List<Event> events) {
    List<byte[]> records = new ArrayList<>(events.size());
    for (Event event : events) {
      records.add(EventCodec.encodeRecord(event));
    }
    try {
      // Durability: the collector's 2xx waits on this future. EventLog completes it only after the
      // records were written to the segment file (so they survive kill -9 of this process) and, under
      // the default fsync policy "always", forced to disk (so they survive power loss); see
      // EventLog#writeGroup. The log completes futures on its writer thread: hopping back onto the
      // caller's event loop keeps the writer free for the next group.
      return Future.fromCompletionStage(log.append(records), vertx.getOrCreateContext()).mapEmpty();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }
}
