package com.clozette.analytics.collector.sink;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.LogPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of the one-machine system: the {@link EventLog} the loader tails into the store. Events
 * are written as the log's binary record ({@link EventCodec#encodeRecord}), no JSON on the event loop.
 */
public final class LocalLogSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(LocalLogSink.class);
  private final EventLog log;

  public LocalLogSink(EventLog log) {
    this.log = log;
  }

  @Override
  public Future<Void> store(List<Event> events) {
    List<byte[]> records = new ArrayList<>(events.size());
    CompletableFuture<LogPosition> appended;
    try {
      for (Event event : events) {
        records.add(EventCodec.encodeRecord(event));
      }
      // Durability: the collector's 2xx waits on this future. EventLog completes it only after the
      // records were written to the segment file (so they survive kill -9 of this process) and, under
      // the default fsync policy "always", forced to disk (so they survive power loss); see
      // EventLog#writeGroup.
      appended = log.append(records);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Context context = Vertx.currentContext();
    if (context == null) {
      return Future.fromCompletionStage(appended).mapEmpty();
    }
    Acks acks = context.get(this);
    if (acks == null) {
      acks = new Acks(context);
      context.put(this, acks);
    }
    Promise<Void> acknowledged = Promise.promise();
    Acks callerAcks = acks;
    appended.whenComplete((end, failure) -> callerAcks.add(acknowledged, failure));
    return acknowledged.future();
  }

  /**
   * The appends of one event loop whose group commit completed, handed back to that loop in one task
   * per group rather than one per request: the log's writer completes a whole group at once, and only
   * the first completion of a group schedules the task. Keeps the writer free for the next group.
   */
  private static final class Acks {
    private record Ack(Promise<Void> promise, Throwable failure) {}

    private final Context context;
    private final ConcurrentLinkedQueue<Ack> completed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Acks(Context context) {
      this.context = context;
    }

    /** On the log's writer thread (or the loop, when the append completed at once). */
    void add(Promise<Void> promise, Throwable failure) {
      completed.add(new Ack(promise, failure));
      if (scheduled.compareAndSet(false, true)) {
        try {
          context.runOnContext(ignored -> drain());
        } catch (RuntimeException closing) {
          // the loop is going away: let the next completion try again rather than never
          scheduled.set(false);
          throw closing;
        }
      }
    }

    /**
     * On the loop. Cleared first: an ack added while draining schedules the next task, it is never
     * left behind. One request's failing answer must not keep the rest of the group waiting.
     */
    private void drain() {
      scheduled.set(false);
      Ack ack;
      while ((ack = completed.poll()) != null) {
        try {
          if (ack.failure() == null) {
            ack.promise().complete();
          } else {
            ack.promise().fail(ack.failure());
          }
        } catch (RuntimeException answerFailed) {
          LOG.warn("answering an acknowledged beacon failed", answerFailed);
        }
      }
    }
  }
}
