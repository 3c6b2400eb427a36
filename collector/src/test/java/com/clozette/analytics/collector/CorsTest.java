package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectEndpointTest.pageview;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.clozette.analytics.event.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CORS per site over real HTTP: an origin may post the events of the sites it is listed under, and only those. */
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
    return post(origin, pageview("e-1"));
  }

  /** What sendBeacon sends: text/plain, with the page's Origin. */
  private HttpResponse<Buffer> post(String origin, JsonObject body) {
    var request = server.post("/collect").putHeader("Content-Type", "text/plain;charset=UTF-8");
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return request.sendBuffer(Buffer.buffer(body.encode())).await();
  }

  private static JsonObject event(String id, String site) {
    return pageview(id).put("site", site);
  }

  @ParameterizedTest(name = "{0} posts {1}")
  @CsvSource({"https://www.clozette.co.id, clozette-id", "http://www.clozette.co.id, clozette-id", "https://www.clozette.co, clozette-sg"})
  void aSiteOriginMayPostItsSiteAndIsEchoedBack(String origin, String site) {
    HttpResponse<Buffer> response = post(origin, event("e-1", site));

    assertEquals(204, response.statusCode());
    assertEquals(origin, response.getHeader("Access-Control-Allow-Origin"));
    assertEquals("Origin", response.getHeader("Vary"));
    assertNull(response.getHeader("Access-Control-Allow-Credentials"));
    assertEquals(1, server.stored().size());
  }

  @Test
  void aSiteOriginMayNotPostAnotherSitesEvent() {
    HttpResponse<Buffer> response = post("https://www.clozette.co", event("e-1", "clozette-id"));

    assertEquals(403, response.statusCode());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("origin_not_allowed", body.getString("error"));
    assertEquals("this origin may not send events of site 'clozette-id'", body.getString("message"));
    assertEquals("https://www.clozette.co", response.getHeader("Access-Control-Allow-Origin"), "the page may read why");
    assertEquals(List.of(), server.stored());
    assertEquals(1, server.rejected("origin_not_allowed"));
  }

  @Test
  void aBatchOfOnlyAnotherSitesEventsIsRefusedWith403() {
    HttpResponse<Buffer> response = post("https://www.clozette.co",
        new JsonObject().put("events", new JsonArray().add(event("e-1", "clozette-id")).add(event("e-2", "clozette-id"))));

    assertEquals(403, response.statusCode());
    assertEquals("origin_not_allowed", response.bodyAsJsonObject().getString("error"));
    assertEquals(List.of(), server.stored());
    assertEquals(2, server.rejected("origin_not_allowed"));
  }

  @Test
  void inAMixedBatchOnlyTheOriginsOwnSitesEventsAreStoredAndTheOthersNamed() {
    HttpResponse<Buffer> response = post("https://www.clozette.co", new JsonObject().put("events", new JsonArray()
        .add(event("e-1", "clozette-sg")).add(event("e-2", "clozette-id")).add(event("e-3", "clozette-sg"))));

    assertEquals(400, response.statusCode());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("invalid_events", body.getString("error"));
    assertEquals(2, body.getInteger("accepted"));
    assertEquals(1, body.getJsonArray("problems").size());
    JsonObject problem = body.getJsonArray("problems").getJsonObject(0);
    assertEquals(1, problem.getInteger("index"));
    assertEquals("origin_not_allowed", problem.getString("error"));
    assertEquals(List.of("e-1", "e-3"), server.stored().stream().map(Event::id).sorted().toList());
    assertEquals(1, server.rejected("origin_not_allowed"));
  }

  @Test
  void withoutOriginEverySitesEventsMayBePostedLikeTheAppDoes() {
    HttpResponse<Buffer> response = post(null,
        new JsonObject().put("events", new JsonArray().add(event("e-1", "clozette-id")).add(event("e-2", "clozette-sg"))));

    assertEquals(204, response.statusCode());
    assertEquals(2, server.stored().size());
  }

  @Test
  void anOriginListedUnderTwoSitesMayPostBoth(Vertx vertx, @TempDir Path otherDir) {
    String shared = "https://looks.clozette.example";
    try (CollectorServer both = CollectorServer.start(vertx, otherDir, new CollectorSettings(List.of(
        new CollectorSettings.Site("clozette-id", List.of(shared), false),
        new CollectorSettings.Site("clozette-sg", List.of(shared, "https://www.clozette.co"), false)),
        CollectorSettings.DEFAULT_COOKIE_NAME, null, List.of()))) {
      HttpResponse<Buffer> response = both.post("/collect").putHeader("Content-Type", "application/json").putHeader("Origin", shared)
          .sendBuffer(Buffer.buffer(new JsonObject().put("events", new JsonArray()
              .add(event("e-1", "clozette-id")).add(event("e-2", "clozette-sg"))).encode())).await();

      assertEquals(204, response.statusCode());
      assertEquals(2, both.stored().size());
    }
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
  void aPreflightFromAnyListedOriginIsAnsweredSinceItNamesNoSite() {
    HttpResponse<Buffer> response = server.client.request(HttpMethod.OPTIONS, "/collect")
        .putHeader("Origin", "https://www.clozette.co")
        .putHeader("Access-Control-Request-Method", "POST")
        .send().await();

    assertEquals(204, response.statusCode());
    assertEquals("https://www.clozette.co", response.getHeader("Access-Control-Allow-Origin"));
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
