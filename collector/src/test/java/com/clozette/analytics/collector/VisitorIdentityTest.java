package com.clozette.analytics.collector;

import static com.clozette.analytics.collector.CollectEndpointTest.pageview;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.Event;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Visitor id precedence: the client's own vid, else the collector's cookie, else a fresh cookie. */
@ExtendWith(VertxExtension.class)
class VisitorIdentityTest {
  private static final String PIXEL = "/p.gif?site=clozette-id&url=" + URLEncoder.encode(CollectorServer.PAGE, StandardCharsets.UTF_8);
  private static final String COOKIE_VALUE = "AAAAAAAAAAAAAAAAAAAAAA";

  @Test
  void anExplicitVidWinsOverTheCookieAndNoCookieIsSet(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> response = server.get(PIXEL + "&vid=install-42").putHeader("Cookie", "_cz_vid=" + COOKIE_VALUE).send().await();

      assertEquals("install-42", server.onlyStored().vid());
      assertNull(response.getHeader("Set-Cookie"));
    }
  }

  @Test
  void theCookieIsTheVisitorWhenTheEventHasNoVid(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> response = server.get(PIXEL).putHeader("Cookie", "other=1; _cz_vid=" + COOKIE_VALUE).send().await();

      assertEquals(COOKIE_VALUE, server.onlyStored().vid());
      assertNull(response.getHeader("Set-Cookie"));
    }
  }

  @Test
  void aNewVisitorGetsARandomIdAsATwoYearFirstPartyCookie(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> first = server.get(PIXEL).send().await();
      HttpResponse<Buffer> second = server.get(PIXEL).send().await();

      List<Event> stored = server.stored();
      String cookie = first.getHeader("Set-Cookie");
      assertEquals("_cz_vid=" + stored.get(0).vid(), cookie.substring(0, cookie.indexOf(';')));
      assertTrue(stored.get(0).vid().matches("[A-Za-z0-9_-]{22}"), stored.get(0).vid());
      List<String> attributes = List.of(cookie.substring(cookie.indexOf(';') + 1).trim().split("; ?"));
      assertTrue(attributes.contains("Max-Age=63072000"), cookie);
      assertTrue(attributes.contains("Path=/"), cookie);
      assertTrue(attributes.contains("HTTPOnly") || attributes.contains("HttpOnly"), cookie);
      assertTrue(attributes.contains("SameSite=Lax"), cookie);
      assertTrue(attributes.stream().noneMatch(a -> a.equalsIgnoreCase("Secure")), "plain HTTP gets no Secure: " + cookie);
      assertTrue(attributes.stream().noneMatch(a -> a.startsWith("Domain=")), "host-only by default: " + cookie);
      assertNotEquals(stored.get(0).vid(), stored.get(1).vid(), "each new visitor gets an id of its own");
      assertNotEquals(null, second.getHeader("Set-Cookie"));
    }
  }

  @Test
  void aBatchWithoutVidsSharesOneNewVisitorId(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      JsonObject first = pageview("e-1");
      first.remove("vid");
      JsonObject second = pageview("e-2");
      second.remove("vid");
      HttpResponse<Buffer> response = server.post("/collect").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("events", new JsonArray().add(first).add(second)).encode())).await();

      List<Event> stored = server.stored();
      assertEquals(stored.get(0).vid(), stored.get(1).vid());
      assertTrue(response.getHeader("Set-Cookie").startsWith("_cz_vid=" + stored.get(0).vid() + ";"));
    }
  }

  @Test
  void aCookieThatIsNotOneOfOurIdsIsReplaced(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> response = server.get(PIXEL).putHeader("Cookie", "_cz_vid=<script>").send().await();

      String vid = server.onlyStored().vid();
      assertTrue(vid.matches("[A-Za-z0-9_-]{22}"), vid);
      assertTrue(response.getHeader("Set-Cookie").startsWith("_cz_vid=" + vid + ";"));
    }
  }

  @Test
  void aRefusedEventSetsNoCookie(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> response = server.get("/p.gif?site=somebody-else&url=https%3A%2F%2Fexample.com%2F").send().await();

      assertEquals(400, response.statusCode());
      assertNull(response.getHeader("Set-Cookie"));
    }
  }

  @Test
  void theCookieIsSecureWhenATrustedProxySaysTheClientUsedHttps(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir, List.of(IpRange.parse("127.0.0.0/8")))) {
      HttpResponse<Buffer> response = server.get(PIXEL).putHeader("X-Forwarded-Proto", "https").send().await();

      assertTrue(List.of(response.getHeader("Set-Cookie").split("; ?")).contains("Secure"), response.getHeader("Set-Cookie"));
    }
  }

  @Test
  void forwardedProtoFromAnUntrustedPeerIsIgnored(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir)) {
      HttpResponse<Buffer> response = server.get(PIXEL).putHeader("X-Forwarded-Proto", "https").send().await();

      assertTrue(List.of(response.getHeader("Set-Cookie").split("; ?")).stream().noneMatch(a -> a.equals("Secure")));
    }
  }

  @Test
  void cookieNameAndDomainComeFromTheSettings(Vertx vertx, @TempDir Path dir) {
    CollectorSettings settings = new CollectorSettings(CollectorServer.SITES, "cz", ".clozette.co.id", List.of());
    try (CollectorServer server = CollectorServer.start(vertx, dir, settings)) {
      HttpResponse<Buffer> response = server.get(PIXEL).send().await();

      String cookie = response.getHeader("Set-Cookie");
      assertTrue(cookie.startsWith("cz=" + server.onlyStored().vid() + ";"), cookie);
      assertTrue(List.of(cookie.split("; ?")).contains("Domain=.clozette.co.id"), cookie);
      assertEquals("from-cookie-0000000", visitorWithCookie(server, "cz=from-cookie-0000000"));
    }
  }

  private static String visitorWithCookie(CollectorServer server, String cookie) {
    server.get(PIXEL + "&id=second").putHeader("Cookie", cookie).send().await();
    return server.stored().stream().filter(e -> e.id().equals("second")).findFirst().orElseThrow().vid();
  }
}
