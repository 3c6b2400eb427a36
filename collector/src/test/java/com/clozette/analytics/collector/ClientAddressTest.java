package com.clozette.analytics.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The stored address: the right client, anonymised, and the raw address written nowhere. */
@ExtendWith(VertxExtension.class)
class ClientAddressTest {
  private static final String PIXEL = "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2F";

  private static String storedIp(Vertx vertx, Path dir, List<IpRange> trusted, String... forwardedFor) {
    try (CollectorServer server = CollectorServer.start(vertx, dir, trusted)) {
      var request = server.get(PIXEL);
      for (String header : forwardedFor) {
        request.putHeader("X-Forwarded-For", header);
      }
      assertEquals(200, request.send().await().statusCode());
      return server.onlyStored().ip();
    }
  }

  @Test
  void withoutTrustedProxiesThePeerIsTheClientAndForwardedForIsIgnored(Vertx vertx, @TempDir Path dir) {
    assertEquals("127.0.0.0", storedIp(vertx, dir, List.of(), "203.0.113.7"));
  }

  static Stream<Arguments> forwardedThroughTrustedProxies() {
    return Stream.of(
        Arguments.of("one hop", List.of("203.0.113.7"), "203.0.113.0"),
        Arguments.of("the nearest untrusted hop, not the spoofable first one",
            List.of("198.51.100.1, 203.0.113.7, 10.1.2.3"), "203.0.113.0"),
        Arguments.of("hops spread over several headers", List.of("198.51.100.1", "203.0.113.7, 10.1.2.3"), "203.0.113.0"),
        Arguments.of("a hop with a port", List.of("203.0.113.7:51234"), "203.0.113.0"),
        Arguments.of("IPv6: the last 80 bits zeroed", List.of("2001:db8:abcd:12:3456:7890:abcd:ef01"), "2001:db8:abcd:0:0:0:0:0"),
        Arguments.of("a bracketed IPv6 hop with a port", List.of("[2001:db8:abcd:12::1]:443"), "2001:db8:abcd:0:0:0:0:0"),
        Arguments.of("every hop trusted: the first", List.of("10.9.9.9, 10.1.2.3"), "10.9.9.0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forwardedThroughTrustedProxies")
  void forwardedForFromATrustedProxyNamesTheClient(String what, List<String> headers, String expected, Vertx vertx, @TempDir Path dir) {
    List<IpRange> trusted = List.of(IpRange.parse("127.0.0.1"), IpRange.parse("10.0.0.0/8"));
    assertEquals(expected, storedIp(vertx, dir, trusted, headers.toArray(String[]::new)));
  }

  @Test
  void aForwardedForThatIsNotAnAddressStoresNoAddressAndResolvesNothing(Vertx vertx, @TempDir Path dir) {
    assertNull(storedIp(vertx, dir, List.of(IpRange.parse("127.0.0.1")), "dead.beef"));
  }

  @Test
  void theRawAddressIsNowhereInTheLogFiles(Vertx vertx, @TempDir Path dir) {
    try (CollectorServer server = CollectorServer.start(vertx, dir, List.of(IpRange.parse("127.0.0.1")))) {
      server.get(PIXEL).putHeader("X-Forwarded-For", "203.0.113.77").send().await();

      String bytes = new String(server.logFileBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(bytes.contains("203.0.113.0"), bytes);
      assertFalse(bytes.contains("203.0.113.77"), bytes);
    }
  }

  @Test
  void trustedProxiesAreAddressesOrCidrBlocks() {
    assertTrue(IpRange.parse("10.0.0.0/8").contains("10.200.3.4"));
    assertFalse(IpRange.parse("10.0.0.0/8").contains("11.0.0.1"));
    assertTrue(IpRange.parse("fd00::/8").contains("fd12:3456::1"));
    assertFalse(IpRange.parse("127.0.0.1").contains("::1"));
    assertThrows(IllegalArgumentException.class, () -> IpRange.parse("localhost"));
    assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> IpRange.parse("1.2.3.4.5"));
  }
}
