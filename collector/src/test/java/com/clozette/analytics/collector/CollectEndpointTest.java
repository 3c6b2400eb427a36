package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectorServer.NOW;
import static com.clozette.analytics.collector.CollectorServer.PAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(VertxExtension.class)
class CollectEndpointTest {
  private Vertx vertx;
  private CollectorServer server;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) {
    this.vertx = vertx;
    server = CollectorServer.start(vertx, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static JsonObject pageview(String id) {
    return new JsonObject().put("id", id).put("site", "clozette-id").put("type", "pageview").put("url", PAGE).put("vid", "v-1");
  }

  private HttpResponse<Buffer> postJson(Object body) {
    return server.post("/collect").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.toString())).await();
  }

  @Test
  void singleEventIsStoredAndAnswered204() {
    HttpResponse<Buffer> response = postJson(pageview("e-1"));

    assertEquals(204, response.statusCode());
    Event event = server.onlyStored();
    assertEquals("e-1", event.id());
    assertEquals("v-1", event.vid());
    assertEquals(EventType.PAGEVIEW, event.type());
    assertEquals(NOW.toEpochMilli(), event.ts());
  }

  @Test
  void batchStoresEveryEventInOrder() {
    JsonArray events = new JsonArray();
    for (int i = 0; i < 100; i++) {
      events.add(pageview("e-" + i));
    }

    assertEquals(204, postJson(new JsonObject().put("events", events)).statusCode());

    List<Event> stored = server.stored();
    assertEquals(100, stored.size());
    assertEquals("e-0", stored.get(0).id());
    assertEquals("e-99", stored.get(99).id());
    assertEquals(100, server.count("analytics.events.appended", "source", "collector"));
  }

  @Test
  void textPlainBodyFromSendBeaconIsReadAsJson() {
    HttpResponse<Buffer> response = server.post("/collect")
        .putHeader("Content-Type", "text/plain;charset=UTF-8")
        .sendBuffer(Buffer.buffer(pageview("e-1").encode())).await();

    assertEquals(204, response.statusCode());
    assertEquals("e-1", server.onlyStored().id());
  }

  @Test
  void batchWithBadEventsStoresTheGoodOnesAndNamesTheBadOnesByIndex() {
    JsonArray events = new JsonArray()
        .add(pageview("good-0"))
        .add(pageview("bad-1").put("site", "somebody-else"))
        .add(pageview("good-2"))
        .add(pageview("bad-3").put("url", 42))
        .add("not an event");

    HttpResponse<Buffer> response = postJson(new JsonObject().put("events", events));

    assertEquals(400, response.statusCode());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("invalid_events", body.getString("error"));
    assertEquals(2, body.getInteger("accepted"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("index", 1).put("error", "unknown_site"))
            .add(new JsonObject().put("index", 3).put("error", "invalid_url"))
            .add(new JsonObject().put("index", 4).put("error", "not_an_object")),
        withoutMessages(body.getJsonArray("problems")));
    assertEquals(List.of("good-0", "good-2"), server.stored().stream().map(Event::id).toList());
    assertEquals(1, server.rejected("unknown_site"));
    assertEquals(1, server.rejected("invalid_url"));
    assertEquals(1, server.rejected("not_an_object"));
  }

  private static JsonArray withoutMessages(JsonArray problems) {
    JsonArray result = new JsonArray();
    for (int i = 0; i < problems.size(); i++) {
      JsonObject problem = problems.getJsonObject(i).copy();
      assertNotEquals(null, problem.remove("message"));
      result.add(problem);
    }
    return result;
  }

  @Test
  void timeAndUserAgentAreTheCollectorsNotTheClients() {
    postJson(pageview("e-1").put("ts", 1234).put("ua", "Googlebot/2.1"));

    Event event = server.onlyStored();
    assertEquals(NOW.toEpochMilli(), event.ts());
    assertEquals(CollectorServer.CHROME, event.ua());
  }

  @Test
  void aRetriedEventKeepsTheIdTheClientGaveIt() {
    postJson(pageview("same"));
    postJson(pageview("same"));

    assertEquals(List.of("same", "same"), server.stored().stream().map(Event::id).toList());
  }

  @Test
  void eventsWithoutIdGetDistinctMintedIds() {
    JsonObject withoutId = pageview("x");
    withoutId.remove("id");
    postJson(new JsonObject().put("events", new JsonArray().add(withoutId).add(withoutId.copy())));

    List<Event> stored = server.stored();
    assertEquals(2, stored.size());
    assertNotEquals(stored.get(0).id(), stored.get(1).id());
  }

  /** The status and body of an answer, however the request was sent. */
  record Answer(int status, Buffer body) {
    static Answer of(HttpResponse<Buffer> response) {
      return new Answer(response.statusCode(), response.body());
    }
  }

  /** One way of refusing a request: what is sent, and the status and error code that must come back. */
  record Refusal(String what, Function<CollectEndpointTest, Answer> send, int status, String error, String reason) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Arguments> refusals() {
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(pageview("e-" + i));
    }
    byte[] invalidUtf8 = {'{', '"', 's', 'i', 't', 'e', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
    return Stream.of(
        new Refusal("malformed JSON", t -> t.refusedJson("{\"site\": "), 400, "malformed_json", "malformed_json"),
        new Refusal("a JSON array", t -> t.refusedJson("[1, 2]"), 400, "not_an_object", "not_an_object"),
        new Refusal("an empty body", t -> t.refusedJson(""), 400, "empty_body", "empty_body"),
        new Refusal("invalid UTF-8", t -> t.refused("application/json", Buffer.buffer(invalidUtf8)), 400, "invalid_utf8", "invalid_utf8"),
        new Refusal("a url that is a number", t -> t.refusedJson(pageview("e").put("url", 1)), 400, "invalid_events", "invalid_url"),
        new Refusal("a vid that is an object", t -> t.refusedJson(pageview("e").put("vid", new JsonObject())), 400, "invalid_events", "invalid_vid"),
        new Refusal("a created time that is a string", t -> t.refusedJson(pageview("e").put("created", "now").put("sent", 1)),
            400, "invalid_events", "invalid_created"),
        new Refusal("an unknown site", t -> t.refusedJson(pageview("e").put("site", "somebody-else")), 400, "invalid_events", "unknown_site"),
        new Refusal("a url over 2048 characters", t -> t.refusedJson(pageview("e").put("url", PAGE + "?q=" + "a".repeat(2048))),
            400, "invalid_events", "invalid_url"),
        new Refusal("events that is not an array", t -> t.refusedJson(new JsonObject().put("events", "all")), 400, "invalid_batch", "invalid_batch"),
        new Refusal("an empty batch", t -> t.refusedJson(new JsonObject().put("events", new JsonArray())), 400, "empty_batch", "empty_batch"),
        new Refusal("101 events", t -> t.refusedJson(new JsonObject().put("events", tooMany)), 400, "too_many_events", "too_many_events"),
        new Refusal("a body over 64 KB", t -> t.refusedJson(pageview("e").put("props", new JsonObject().put("pad", "a".repeat(70_000)))),
            413, "body_too_large", "body_too_large"),
        new Refusal("a chunked body over 64 KB", CollectEndpointTest::postChunked, 413, "body_too_large", "body_too_large"),
        new Refusal("a form body", t -> t.refused("application/x-www-form-urlencoded", Buffer.buffer("site=clozette-id")),
            415, "unsupported_media_type", "unsupported_media_type"),
        new Refusal("no content type", t -> Answer.of(t.server.post("/collect").sendBuffer(Buffer.buffer(pageview("e").encode())).await()),
            415, "unsupported_media_type", "unsupported_media_type"),
        new Refusal("a URL over 2 KB", t -> Answer.of(t.server.post("/collect?pad=" + "a".repeat(2100)).putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(pageview("e").encode())).await()), 414, "url_too_long", "url_too_long"),
        new Refusal("headers over 16 KB", t -> Answer.of(t.server.post("/collect").putHeader("Content-Type", "application/json")
            .putHeader("X-Padding", "a".repeat(17_000)).sendBuffer(Buffer.buffer(pageview("e").encode())).await()),
            431, "headers_too_large", "headers_too_large"))
        .map(Arguments::of);
  }

  private Answer refusedJson(Object body) {
    return Answer.of(postJson(body));
  }

  private Answer refused(String contentType, Buffer body) {
    return Answer.of(server.post("/collect").putHeader("Content-Type", contentType).sendBuffer(body).await());
  }

  /** 80 KB in 8 KB chunks without a Content-Length, so only counting the bytes can refuse it. */
  private Answer postChunked() {
    List<Buffer> parts = new ArrayList<>();
    parts.add(RawHttp.text("POST /collect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"));
    for (int i = 0; i < 10; i++) {
      parts.add(RawHttp.text("2000\r\n" + "a".repeat(8192) + "\r\n"));
    }
    parts.add(RawHttp.text("0\r\n\r\n"));
    RawHttp.Answer answer = RawHttp.exchange(vertx, server.port(), parts.toArray(Buffer[]::new));
    return new Answer(answer.status(), Buffer.buffer(answer.body()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void everyRefusalIsA4xxWithAJsonErrorAndIsCounted(Refusal refusal) {
    Answer answer = refusal.send().apply(this);

    assertEquals(refusal.status(), answer.status());
    JsonObject body = answer.body().toJsonObject();
    assertEquals(refusal.error(), body.getString("error"));
    if (refusal.error().equals("invalid_events")) {
      assertEquals(refusal.reason(), body.getJsonArray("problems").getJsonObject(0).getString("error"));
    } else {
      assertNull(body.getJsonArray("problems"));
    }
    assertEquals(1, server.rejected(refusal.reason()));
    assertEquals(List.of(), server.stored());
    assertEquals(204, postJson(pageview("after")).statusCode(), "the collector still serves others afterwards");
  }
}
