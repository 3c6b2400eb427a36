package com.clozette.analytics.aggregator.export;

import com.clozette.analytics.aggregator.http.Params;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes an export a chunk of whole days at a time. The next chunk is asked of the store only once
 * the previous one has been written to the socket, so a slow reader slows the export down and
 * memory holds one chunk whatever the range; once the client has gone no further chunk is asked
 * for. Each chunk starts on a fresh event-loop turn and completes one promise at the end: nothing
 * is built ahead of time, and no chain of futures grows with the range.
 */
final class ChunkedExport {
  static final int CHUNK_DAYS = 31;

  /** The rows of [from, to), two starts of days in the site's zone at most {@link #CHUNK_DAYS} apart. */
  interface Rows {
    Future<List<? extends ExportHandlers.ExportRow>> between(Instant from, Instant to);
  }

  private final Context context;
  private final HttpServerResponse response;
  private final ExportWriter writer;
  private final Params.Range range;
  private final Rows rows;
  private final Counter chunks;
  private final Promise<Void> written = Promise.promise();

  ChunkedExport(Context context, HttpServerResponse response, ExportWriter writer, Params.Range range, Rows rows, Counter chunks) {
    this.context = context;
    this.response = response;
    this.writer = writer;
    this.range = range;
    this.rows = rows;
    this.chunks = chunks;
  }

  /**
   * Writes the whole export. Fails with {@link ClientGone} when a write fails (the client has left:
   * nothing more can reach it) or the store's failure when a chunk could not be computed.
   */
  Future<Void> run() {
    send(writer::start).onComplete(started -> {
      if (started.failed()) {
        written.fail(new ClientGone(started.cause()));
      } else {
        writeFrom(range.dateOf(range.from()));
      }
    });
    return written.future().compose(v -> send(writer::end).recover(failure -> Future.failedFuture(new ClientGone(failure))));
  }

  private void writeFrom(LocalDate day) {
    Instant start = range.startOf(day);
    if (!start.isBefore(range.to())) {
      written.complete();
      return;
    }
    if (response.closed()) {
      written.fail(new ClientGone(null));
      return;
    }
    LocalDate next = day.plusDays(CHUNK_DAYS);
    Instant end = range.startOf(next).isBefore(range.to()) ? range.startOf(next) : range.to();
    chunks.increment();
    rows.between(start, end).onComplete(chunk -> {
      if (chunk.failed()) {
        written.fail(chunk.cause());
        return;
      }
      send(() -> writer.write(chunk.result())).onComplete(sent -> {
        if (sent.failed()) {
          written.fail(new ClientGone(sent.cause()));
        } else {
          // A fresh turn of the loop for the next chunk: the stack stays flat however many chunks follow.
          context.runOnContext(v -> writeFrom(next));
        }
      });
    });
  }

  /** A write as a future, also when the response refuses it by throwing (it has been closed). */
  private static Future<Void> send(Supplier<Future<Void>> write) {
    try {
      return write.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The export could not be written: the connection is closed or broken. */
  static final class ClientGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientGone(Throwable cause) {
      super("the client closed the connection", cause, false, false);
    }
  }
}
