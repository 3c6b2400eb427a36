package com.clozette.analytics.aggregator.importer;

import com.clozette.analytics.event.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /api/v1/import}: streams an NDJSON body into the store. The request is read a chunk
 * of lines at a time (the command line's chunks: {@link Importer#CHUNK_BYTES}), parsed and stored on
 * workers while reading pauses, so a 500 MB import holds two chunks in memory, never the body. Must be routed without a BodyHandler.
 */
public final class ImportHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final Importer importer;

  public ImportHandler(Vertx vertx, Importer importer) {
    this.vertx = vertx;
    this.importer = importer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Importer.Run run = importer.start();
    Chunk chunk = new Chunk(Importer.CHUNK_LINES, Importer.CHUNK_BYTES);
    // Parses run one after another, and so do stores; a chunk parses while the one before is
    // stored. Reading pauses until both are through, so at most two chunks are in memory.
    Future<List<Event>>[] parsed = new Future[] {Future.succeededFuture(List.of())};
    Future<Void>[] stored = new Future[] {Future.succeededFuture()};
    Runnable handOver = () -> {
      List<byte[]> lines = chunk.drain();
      Future<List<Event>> events = parsed[0].compose(previous -> vertx.executeBlocking(() -> run.parse(lines), false));
      Future<Void> previousStore = stored[0];
      stored[0] = Future.all(previousStore, events).compose(both -> vertx.<Void>executeBlocking(() -> {
        run.store(events.result());
        return null;
      }, false));
      parsed[0] = events;
    };
    LineSplitter splitter = new LineSplitter(Importer.MAX_LINE_BYTES, line -> {
      if (chunk.add(line)) {
        Future<Void> previousStore = stored[0];
        handOver.run();
        request.pause();
        Future.all(previousStore, parsed[0])
            .onSuccess(v -> request.resume())
            .onFailure(failure -> {
              if (!ctx.failed()) {
                ctx.fail(failure);
              }
            });
      }
    });
    request.handler(buffer -> splitter.feed(buffer.getBytes()));
    request.exceptionHandler(ctx::fail);
    request.endHandler(v -> {
      splitter.end();
      handOver.run();
      stored[0]
          .compose(done -> vertx.executeBlocking(run::finish, false))
          .onSuccess(result -> ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(result)))
          .onFailure(failure -> {
            if (!ctx.failed()) {
              ctx.fail(failure);
            }
          });
    });
    request.resume();
  }
}
