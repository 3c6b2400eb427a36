package com.clozette.analytics.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.collector.tracker.TrackerScriptHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class TrackerScriptTest {

  private static byte[] resource() throws IOException {
    try (InputStream in = TrackerScriptTest.class.getClassLoader().getResourceAsStream("tracker/t.js")) {
      return in.readAllBytes();
    }
  }

  @Test
  void theScriptIsServedWithAContentHashETagAndALongCacheLifetime(Vertx vertx, @TempDir Path dir) throws IOException {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> response = server.get("/t.js").send().await();

      assertEquals(200, response.statusCode());
      assertEquals(Buffer.buffer(resource()), response.body());
      assertEquals("text/javascript; charset=utf-8", response.getHeader("Content-Type"));
      assertEquals("public, max-age=86400", response.getHeader("Cache-Control"));
      assertTrue(response.getHeader("ETag").matches("\"[A-Za-z0-9_-]{22}\""), response.getHeader("ETag"));
    }
  }

  @Test
  void aBrowserWithTheCurrentETagGets304WithoutTheScript(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      String etag = server.get("/t.js").send().await().getHeader("ETag");

      HttpResponse<Buffer> same = server.get("/t.js").putHeader("If-None-Match", etag).send().await();
      HttpResponse<Buffer> weakInAList = server.get("/t.js").putHeader("If-None-Match", "\"old\", W/" + etag).send().await();
      HttpResponse<Buffer> stale = server.get("/t.js").putHeader("If-None-Match", "\"old\"").send().await();

      assertEquals(304, same.statusCode());
      assertNull(same.body());
      assertEquals(etag, same.getHeader("ETag"));
      assertEquals(304, weakInAList.statusCode());
      assertEquals(200, stale.statusCode());
    }
  }

  @Test
  void withoutTheScriptOnTheClasspathT_jsIs404(Vertx vertx) throws IOException {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      TrackerScriptHandler handler = TrackerScriptHandler.fromClasspath(empty);
      Router router = Router.router(vertx);
      router.get("/t.js").handler(handler);
      var http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      WebClient client = WebClient.create(vertx);

      HttpResponse<Buffer> response = client.get(http.actualPort(), "127.0.0.1", "/t.js").send().await();

      assertEquals(404, response.statusCode());
      assertEquals("not_found", response.bodyAsJsonObject().getString("error"));
    }
  }
}
