package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectEndpointTest.pageview;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
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

/** Do Not Track per site (clozette-sg drops, clozette-id ignores), and crawlers flagged. */
@ExtendWith(VertxExtension.class)
class PrivacyAndBotsTest {
  private CollectorServer server;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) {
    server = CollectorServer.start(vertx, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0}: 1")
  @MethodSource("doNotTrackHeaders")
  void aSiteThatDropsDoNotTrackStoresNothingYetAnswersSuccess(String header) {
    HttpResponse<Buffer> collect = server.post("/collect").putHeader("Content-Type", "application/json").putHeader(header, "1")
        .sendBuffer(Buffer.buffer(pageview("e-1").put("site", "clozette-sg").encode())).await();
    HttpResponse<Buffer> pixel = server.get("/p.gif?site=clozette-sg&url=https%3A%2F%2Fwww.clozette.co%2F").putHeader(header, "1").send().await();

    assertEquals(204, collect.statusCode());
    assertEquals(200, pixel.statusCode());
    assertNull(pixel.getHeader("Set-Cookie"), "no cookie for a visitor who asked not to be tracked");
    assertEquals(List.of(), server.stored());
    assertEquals(2, server.count("analytics.events.dropped", "source", "collector", "reason", "do_not_track"));
  }

  static Stream<String> doNotTrackHeaders() {
    return Stream.of("DNT", "Sec-GPC");
  }

  @Test
  void aSiteThatIgnoresDoNotTrackStoresTheEvent() {
    server.post("/collect").putHeader("Content-Type", "application/json").putHeader("DNT", "1")
        .sendBuffer(Buffer.buffer(pageview("e-1").encode())).await();

    assertEquals("e-1", server.onlyStored().id());
  }

  static Stream<Arguments> userAgents() {
    return Stream.of(
        Arguments.of("Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        Arguments.of("HeadlessChrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"),
        Arguments.of("Chrome on Windows", CollectorServer.CHROME),
        Arguments.of("the Clozette app", "ClozetteApp/3.2.0 (Android 14; Pixel 8)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("userAgents")
  /** Classification costs milliseconds per new user agent: the loader, importer and stream processor do it, once per distinct one. */
  void theUserAgentIsStoredRawAndLeftUnclassified(String what, String userAgent) {
    server.post("/collect").putHeader("Content-Type", "application/json").putHeader("User-Agent", userAgent)
        .sendBuffer(Buffer.buffer(pageview("e-1").encode())).await();

    Event event = server.onlyStored();
    assertEquals(userAgent, event.ua());
    assertFalse(event.bot());
    assertNull(event.botSource());
    assertNull(event.browser());
    assertNull(event.device());
  }

  @Test
  void anOverlongUserAgentIsCutNotRefused() {
    String userAgent = CollectorServer.CHROME + " " + "x".repeat(1000);
    server.post("/collect").putHeader("Content-Type", "application/json").putHeader("User-Agent", userAgent)
        .sendBuffer(Buffer.buffer(pageview("e-1").encode())).await();

    Event event = server.onlyStored();
    assertEquals(512, event.ua().length());
    assertTrue(userAgent.startsWith(event.ua()));
    assertFalse(event.bot());
  }
}
