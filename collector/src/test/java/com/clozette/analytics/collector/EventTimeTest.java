package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectEndpointTest.pageview;
import static com.clozette.analytics.collector.CollectorServer.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Event time is the collector's receive time (the fixed clock's NOW), moved back by how long the
 * device held the event, whatever the device's clock says the time is.
 */
@ExtendWith(VertxExtension.class)
class EventTimeTest {
  private static final long RECEIVED = NOW.toEpochMilli();
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long DAY = Duration.ofDays(1).toMillis();
  /** A device clock a year and a bit behind: its skew must cancel out. */
  private static final long DEVICE_NOW = RECEIVED - 400 * DAY + 12_345;

  private CollectorServer server;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dir) {
    server = CollectorServer.start(vertx, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<Buffer> post(JsonObject body) {
    return server.post("/collect").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.encode())).await();
  }

  static Stream<Arguments> deviceTimes() {
    return Stream.of(
        Arguments.of("sent at once", 0L, RECEIVED),
        Arguments.of("held an hour offline", HOUR, RECEIVED - HOUR),
        Arguments.of("held exactly seven days", 7 * DAY, RECEIVED - 7 * DAY),
        Arguments.of("held thirty days: clamped to seven", 30 * DAY, RECEIVED - 7 * DAY),
        Arguments.of("created after it was sent: never in the future", -HOUR, RECEIVED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deviceTimes")
  void eventTimeIsReceiveTimeLessTheTimeTheDeviceHeldTheEvent(String what, long held, long expected) {
    assertEquals(204, post(pageview("e").put("created", DEVICE_NOW - held).put("sent", DEVICE_NOW)).statusCode());

    assertEquals(expected, server.onlyStored().ts());
  }

  @Test
  void aBatchMaySayOnceWhenItWasSent() {
    JsonArray events = new JsonArray()
        .add(pageview("old").put("created", DEVICE_NOW - 2 * HOUR))
        .add(pageview("own-sent").put("created", DEVICE_NOW - HOUR).put("sent", DEVICE_NOW - HOUR / 2))
        .add(pageview("fresh"));

    assertEquals(204, post(new JsonObject().put("sent", DEVICE_NOW).put("events", events)).statusCode());

    assertEquals(java.util.List.of(RECEIVED - 2 * HOUR, RECEIVED - HOUR / 2, RECEIVED),
        server.stored().stream().map(e -> e.ts()).toList());
  }

  @Test
  void aCreationTimeWithoutASendTimeIsRefused() {
    HttpResponse<Buffer> response = post(pageview("e").put("created", DEVICE_NOW));

    assertEquals(400, response.statusCode());
    assertEquals("missing_sent", response.bodyAsJsonObject().getJsonArray("problems").getJsonObject(0).getString("error"));
  }

  @Test
  void thePixelTakesDeviceTimesToo() {
    server.get("/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F&created=" + (DEVICE_NOW - HOUR) + "&sent=" + DEVICE_NOW)
        .send().await();

    assertEquals(RECEIVED - HOUR, server.onlyStored().ts());
  }
}
