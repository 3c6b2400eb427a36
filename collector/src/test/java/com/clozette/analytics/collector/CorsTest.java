package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectEndpointTest.pageview;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class CorsTest {
  private CollectorServer server;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) {
    server = CollectorServer.start(vertx, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<Buffer> beacon(String origin) {
    var request = server.post("/collect").putHeader("Content-Type", "text/plain;charset=UTF-8");
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return request.sendBuffer(Buffer.buffer(pageview("e-1").encode())).await();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"https://www.clozette.co.id", "http://www.clozette.co.id", "https://www.clozette.co"})
  void aConfiguredSiteOriginMayPostAndIsEchoedBack(String origin) {
    HttpResponse<Buffer> response = beacon(origin);

    assertEquals(204, response.statusCode());
    assertEquals(origin, response.getHeader("Access-Control-Allow-Origin"));
    assertEquals("Origin", response.getHeader("Vary"));
    assertNull(response.getHeader("Access-Control-Allow-Credentials"));
    assertEquals(1, server.stored().size());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"https://evil.example", "https://www.clozette.co.id.evil.example", "null"})
  void anyOtherOriginIsRefusedWith403(String origin) {
    HttpResponse<Buffer> response = beacon(origin);

    assertEquals(403, response.statusCode());
    assertEquals("origin_not_allowed", response.bodyAsJsonObject().getString("error"));
    assertNull(response.getHeader("Access-Control-Allow-Origin"));
    assertEquals(List.of(), server.stored());
    assertEquals(1, server.rejected("origin_not_allowed"));
  }

  @Test
  void aRequestWithoutOriginLikeTheAppsIsAllowed() {
    assertEquals(204, beacon(null).statusCode());
  }

  @Test
  void aPreflightFromASiteOriginIsAnswered() {
    HttpResponse<Buffer> response = server.client.request(HttpMethod.OPTIONS, "/collect")
        .putHeader("Origin", "https://www.clozette.co.id")
        .putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "content-type")
        .send().await();

    assertEquals(204, response.statusCode());
    assertEquals("https://www.clozette.co.id", response.getHeader("Access-Control-Allow-Origin"));
    assertEquals("POST", response.getHeader("Access-Control-Allow-Methods"));
    assertEquals("Content-Type", response.getHeader("Access-Control-Allow-Headers"));
    assertEquals("86400", response.getHeader("Access-Control-Max-Age"));
  }

  @Test
  void aPreflightFromAnotherOriginIsRefused() {
    HttpResponse<Buffer> response = server.client.request(HttpMethod.OPTIONS, "/collect")
        .putHeader("Origin", "https://evil.example")
        .putHeader("Access-Control-Request-Method", "POST")
        .send().await();

    assertEquals(403, response.statusCode());
    assertNull(response.getHeader("Access-Control-Allow-Origin"));
  }
}
