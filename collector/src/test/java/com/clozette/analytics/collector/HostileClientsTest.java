package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectEndpointTest.pageview;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Clients that are slow, broken or malicious get 4xx answers, leave no trace in the log, and hold up nobody. */
@ExtendWith(VertxExtension.class)
class HostileClientsTest {
  private static final String PIXEL = "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F";
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

  @Test
  void clientsThatStallMidRequestDoNotHoldUpOthers() {
    NetClient net = vertx.createNetClient();
    List<NetSocket> stalled = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      NetSocket socket = net.connect(server.port(), "127.0.0.1").await();
      // Half of them stop inside the headers, half inside a body they promised.
      socket.write(i % 2 == 0
          ? "GET /p.gif?site=clozette-id HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag"
          : "POST /collect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"site\":").await();
      stalled.add(socket);
    }

    List<Future<Integer>> others = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      others.add(server.get(PIXEL).send().map(response -> response.statusCode()));
    }

    assertEquals(100, Future.all(others).await().<Integer>list().stream().filter(status -> status == 200).count());
    assertEquals(100, server.stored().size());
    stalled.forEach(NetSocket::close);
    net.close();
  }

  @Test
  void bytesThatAreNotHttpAreAnswered400AsJsonAndCounted() {
    RawHttp.Answer answer = RawHttp.exchange(vertx, server.port(), RawHttp.text("HELLO THERE\r\n\r\n"));

    assertEquals(400, answer.status());
    assertEquals("malformed_request", new JsonObject(answer.body()).getString("error"));
    assertEquals(1, server.rejected("malformed_request"));
  }

  /** HTTP/2 would carry the URL in a header, past the request-line limit: cleartext upgrades are declined. */
  @Test
  void aClientAskingForHttp2StillMeetsTheUrlLimit() throws Exception {
    HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    URI pixel = URI.create("http://127.0.0.1:" + server.port() + PIXEL);
    URI overlong = URI.create("http://127.0.0.1:" + server.port() + PIXEL + "&pad=" + "a".repeat(3000));

    var first = http2.send(HttpRequest.newBuilder(pixel).build(), HttpResponse.BodyHandlers.discarding());
    var second = http2.send(HttpRequest.newBuilder(overlong).build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(HttpClient.Version.HTTP_1_1, first.version());
    assertEquals(414, second.statusCode());
  }

  @Test
  void hostileInputIsAnsweredWithoutAnythingInTheLog() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      sendHostileInput();
    } finally {
      System.setErr(original);
    }
    assertEquals("", captured.toString(StandardCharsets.UTF_8));
    assertEquals(204, server.post("/collect").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(pageview("after").encode())).await().statusCode());
  }

  private void sendHostileInput() {
    server.post("/collect").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"events\": [{\"a\": [[[[")).await();
    server.post("/collect").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("[".repeat(5000))).await();
    server.post("/collect").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x7b})).await();
    server.post("/collect").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(pageview("e").put("props", new JsonObject().put("deep", "[".repeat(3000))).encode())).await();
    server.get("/p.gif?site=%ZZ&url=%").send().await();
    server.get("/p.gif?" + "x=1&".repeat(400)).send().await();
    server.get(PIXEL + "&pad=" + "a".repeat(3000)).send().await();
    server.get(PIXEL).putHeader("Cookie", "_cz_vid=" + "a".repeat(20_000)).send().await();
    RawHttp.exchange(vertx, server.port(), RawHttp.text("GET /p.gif HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"));
    RawHttp.exchange(vertx, server.port(), RawHttp.text("\u0000\u0001\u0002 garbage\r\n\r\n"));
    abortMidBody();
  }

  /** A client that announces a body and hangs up halfway through it. */
  private void abortMidBody() {
    NetClient net = vertx.createNetClient();
    try {
      NetSocket socket = net.connect(server.port(), "127.0.0.1").await();
      socket.write("POST /collect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{\"si").await();
      socket.close().await();
      // The server sees the close on its own event loop; a second request on a new connection is
      // answered only after that loop has processed it.
      server.get(PIXEL).send().await();
    } finally {
      net.close();
    }
  }
}
