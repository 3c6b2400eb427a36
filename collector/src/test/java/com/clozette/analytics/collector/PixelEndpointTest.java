package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectorServer.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
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
class PixelEndpointTest {
  /** The 43-byte transparent GIF, written out independently of the code under test. */
  private static final byte[] GIF = HexFormat.of().parseHex(
      "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b");

  private CollectorServer server;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) {
    server = CollectorServer.start(vertx, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void pixelStoresAPageviewAndAnswersTheTransparentGif() {
    HttpResponse<Buffer> response = server.get("/p.gif?site=clozette-id&url=" + encode(CollectorServer.PAGE)).send().await();

    assertEquals(200, response.statusCode());
    assertEquals("image/gif", response.getHeader("Content-Type"));
    assertEquals("no-store", response.getHeader("Cache-Control"));
    assertArrayEquals(GIF, response.body().getBytes());
    assertEquals(43, GIF.length);
    Event event = server.onlyStored();
    assertEquals("clozette-id", event.site());
    assertEquals(EventType.PAGEVIEW, event.type());
    assertEquals(CollectorServer.PAGE, event.url());
    assertEquals(NOW.toEpochMilli(), event.ts());
    assertEquals(Platform.WEB, event.platform());
    assertEquals(CollectorServer.CHROME, event.ua());
    assertNull(event.browser(), "classified where events enter a store, not here");
    assertFalse(event.bot());
    assertTrue(event.id().matches("[A-Za-z0-9_-]{22}"), event.id());
    assertEquals(1, server.count("analytics.events.appended", "source", "collector"));
  }

  @Test
  void headIsHandledLikeGetButAnswersNoBody() {
    HttpResponse<Buffer> response = server.client.request(HttpMethod.HEAD, "/p.gif?site=clozette-id&url=" + encode(CollectorServer.PAGE))
        .send().await();

    assertEquals(200, response.statusCode());
    assertEquals("image/gif", response.getHeader("Content-Type"));
    assertEquals("43", response.getHeader("Content-Length"));
    assertNull(response.body());
    assertEquals(1, server.stored().size());
  }

  @Test
  void pixelTakesEveryEventFieldFromTheQuery() {
    String query = "site=clozette-id&type=event&name=add_to_wishlist&id=e-1&vid=install-42&platform=app"
        + "&url=" + encode("app://clozette/looks/1") + "&ref=" + encode("https://www.google.com/")
        + "&props=" + encode("{\"look\":1}") + "&cachebuster=123";

    assertEquals(200, server.get("/p.gif?" + query).send().await().statusCode());

    Event event = server.onlyStored();
    assertEquals(EventType.EVENT, event.type());
    assertEquals("add_to_wishlist", event.name());
    assertEquals("e-1", event.id());
    assertEquals("install-42", event.vid());
    assertEquals(Platform.APP, event.platform());
    assertEquals("app://clozette/looks/1", event.url());
    assertEquals("https://www.google.com/", event.ref());
    assertEquals("{\"look\":1}", event.props());
  }

  static Stream<Arguments> refusedPixels() {
    return Stream.of(
        Arguments.of("an unknown site", "site=somebody-else&url=" + encode(CollectorServer.PAGE), "unknown_site"),
        Arguments.of("no site", "url=" + encode(CollectorServer.PAGE), "missing_site"),
        Arguments.of("a pageview without url", "site=clozette-id", "missing_url"),
        Arguments.of("a relative url", "site=clozette-id&url=%2Flooks%2F1", "invalid_url"),
        Arguments.of("an unknown type", "site=clozette-id&type=click&url=" + encode(CollectorServer.PAGE), "invalid_type"),
        Arguments.of("an id over 128 characters", "site=clozette-id&id=" + "x".repeat(129) + "&url=" + encode(CollectorServer.PAGE), "invalid_id"),
        Arguments.of("props that are not a JSON object", "site=clozette-id&props=%5B1%5D&url=" + encode(CollectorServer.PAGE), "invalid_props"),
        Arguments.of("a created time that is not a number", "site=clozette-id&created=yesterday&sent=1&url=" + encode(CollectorServer.PAGE), "invalid_created"),
        Arguments.of("a broken percent escape", "site=clozette-id&url=%zz", "malformed_query"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedPixels")
  void refusedPixelStillAnswersTheGifWithStatus400AndTheReasonInAHeader(String what, String query, String reason) {
    HttpResponse<Buffer> response = server.get("/p.gif?" + query).send().await();

    assertEquals(400, response.statusCode());
    assertEquals("image/gif", response.getHeader("Content-Type"));
    assertArrayEquals(GIF, response.body().getBytes());
    assertEquals(reason, response.getHeader("X-Clozette-Error"));
    assertEquals(1, server.rejected(reason));
    assertEquals(List.of(), server.stored());
  }
}
