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
        Arguments.of("Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true, null),
        Arguments.of("bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true, null),
        Arguments.of("AhrefsBot", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", true, null),
        Arguments.of("Chrome on Windows", CollectorServer.CHROME, false, "Chrome"),
        Arguments.of("Safari on iPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/17.0 Mobile/15E148 Safari/604.1", false, "Safari"),
        Arguments.of("the Clozette app", "ClozetteApp/3.2.0 (Android 14; Pixel 8)", false, "ClozetteApp"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("userAgents")
  void crawlersAreStoredFlaggedAndCountedWhileBrowsersAndTheAppAreNot(String what, String userAgent, boolean bot, String browser) {
    server.post("/collect").putHeader("Content-Type", "application/json").putHeader("User-Agent", userAgent)
        .sendBuffer(Buffer.buffer(pageview("e-1").encode())).await();

    Event event = server.onlyStored();
    assertEquals(bot, event.bot());
    assertEquals(userAgent, event.ua());
    if (browser != null) {
      assertEquals(browser, event.browser());
    }
    assertEquals(bot ? 1 : 0, server.count("analytics.events.bots", "source", "collector"));
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
