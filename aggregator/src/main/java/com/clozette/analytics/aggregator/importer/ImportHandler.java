package com.clozette.analytics.aggregator.importer;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v1/import}: streams an NDJSON body into the store. The request is read a chunk
 * of lines at a time and paused while the chunk is parsed and stored on a worker, so a 500 MB
 * import holds one chunk in memory, never the body. Must be routed without a BodyHandler.
 */
public final class ImportHandler implements Handler<RoutingContext> {
  private static final int CHUNK_LINES = 20_000;

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
    List<byte[]> chunk = new ArrayList<>(CHUNK_LINES);
    // Chunks are stored strictly one after another: each waits for the previous one.
    Future<Void>[] stored = new Future[] {Future.succeededFuture()};
    LineSplitter splitter = new LineSplitter(Importer.MAX_LINE_BYTES, line -> {
      chunk.add(line);
      if (chunk.size() >= CHUNK_LINES) {
        List<byte[]> lines = drain(chunk);
        request.pause();
        stored[0] = stored[0].compose(v -> store(run, lines))
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
      List<byte[]> lines = drain(chunk);
      stored[0]
          .compose(done -> store(run, lines))
          .compose(done -> vertx.executeBlocking(run::finish, false))
          .onSuccess(result -> ctx.response().putHeader("Content-Type", "application/json").end(Json.encode(result)))
          .onFailure(ctx::fail);
    });
    request.resume();
  }

  private Future<Void> store(Importer.Run run, List<byte[]> lines) {
    if (lines.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      run.addChunk(lines);
      return null;
    }, false);
  }

  private static List<byte[]> drain(List<byte[]> chunk) {
    List<byte[]> lines = new ArrayList<>(chunk);
    chunk.clear();
    return lines;
  }
}
