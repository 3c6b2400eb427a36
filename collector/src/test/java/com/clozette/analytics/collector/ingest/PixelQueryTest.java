package com.clozette.analytics.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clozette.analytics.event.InvalidEventException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass pixel query reader splits and decodes exactly as Netty's QueryStringDecoder, which
 * the pixel used before, did with the same options: the fields it keeps are the first values the
 * decoder's map held, and it refuses exactly the queries the decoder refused.
 */
class PixelQueryTest {
  private static final List<String> FIELDS = List.of("id", "site", "type", "url", "ref", "vid", "name", "platform");

  @ParameterizedTest
  @ValueSource(strings = {
      "/p.gif", "/p.gif?", "/p.gif?&&", "/p.gif?site=a&url=https%3A%2F%2Fx%2F&vid=v+1",
      "/p.gif?site=a&site=b", "/p.gif?site&url=", "/p.gif?=site&site==x", "/p.gif?site=a=b", "/p.gif?%73ite=enc",
      "/p.gif?si+te=space", "/p.gif?site=a;url=b", "/p.gif?site=a#url=frag", "/p.gif#?site=a", "/p.gif?name=%E2%9C%93%F0%9F%99%82",
      "/p.gif?name=%C3%28", "/p.gif?cb=1&type=ping&id=&ref=%20", "http://host:8080/p.gif?site=abs&vid=1", "/p.gif??site=q",
      "/p.gif?url=a%2", "/p.gif?x=%zz&site=a", "/p.gif?%=1", "/p.gif?site=%GG", "/p.gif?created=5&sent=7&created=9"})
  void readsWhatTheDecoderRead(String uri) {
    assertSameAsDecoder(uri);
  }

  @Test
  void readsOnlyTheFirstSixtyFourParameters() {
    StringBuilder uri = new StringBuilder("/p.gif?");
    for (int i = 0; i < PixelQuery.MAX_PARAMETERS - 1; i++) {
      uri.append("cb").append(i).append("=1&");
    }
    assertSameAsDecoder(uri + "site=last-read&vid=not-read&x=%zz");
    assertEquals("last-read", PixelQuery.parse(uri + "site=last-read&vid=not-read").text("site"));
  }

  @Test
  void readsRandomQueriesAsTheDecoderDid() {
    String[] pieces = {"site", "url", "vid", "id", "type", "name", "ref", "platform", "props", "created", "cb", "=", "&", ";",
        "#", "?", "+", "%", "%2", "%20", "%3D", "%26", "%C3%A9", "%zz", "a", "%73", "é", "x"};
    SplittableRandom random = new SplittableRandom(11);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder uri = new StringBuilder("/p.gif?");
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        uri.append(pieces[random.nextInt(pieces.length)]);
      }
      assertSameAsDecoder(uri.toString());
    }
  }

  @Test
  void propsMustBeAJsonObject() throws InvalidEventException {
    assertEquals("{\"look\":3}", PixelQuery.parse("/p.gif?props=%7B%22look%22%3A+3%7D").props());
    for (String props : List.of("", "3", "null", "%5B1%5D", "%7Bbroken")) {
      InvalidEventException e = assertThrows(InvalidEventException.class, () -> PixelQuery.parse("/p.gif?props=" + props).props());
      assertEquals("invalid_props", e.reason());
    }
  }

  private static void assertSameAsDecoder(String uri) {
    Map<String, List<String>> expected;
    try {
      expected = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, PixelQuery.MAX_PARAMETERS, true).parameters();
    } catch (IllegalArgumentException refused) {
      assertThrows(IllegalArgumentException.class, () -> PixelQuery.parse(uri), uri);
      return;
    }
    PixelQuery query = PixelQuery.parse(uri);
    Map<String, String> wanted = new LinkedHashMap<>();
    Map<String, String> read = new LinkedHashMap<>();
    for (String name : FIELDS) {
      wanted.put(name, first(expected, name));
      read.put(name, query.text(name));
    }
    wanted.put("created", first(expected, "created"));
    read.put("created", query.created());
    wanted.put("sent", first(expected, "sent"));
    read.put("sent", query.sent());
    wanted.put("props", first(expected, "props"));
    read.put("props", query.rawProps());
    assertEquals(wanted, read, uri);
  }

  private static String first(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    return values == null ? null : values.get(0);
  }
}
