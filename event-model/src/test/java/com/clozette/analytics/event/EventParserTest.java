package com.clozette.analytics.event;

import static org.junit.jupiter.api.Assertions.*;

import com.clozette.analytics.enrich.BotSource;
import com.clozette.analytics.enrich.UserAgentInfo;
import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParserTest {
  private final EventParser parser = new EventParser(new ObjectMapper(), GoldenData.SITES);

  @Test
  void goldenSetHasExactlyItsNineMalformedLines() {
    List<Integer> rejected = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    int duplicates = 0;
    List<String> lines = GoldenData.eventLines();
    for (int i = 0; i < lines.size(); i++) {
      try {
        Event event = parser.parse(lines.get(i));
        if (!keys.add(event.site() + "\0" + event.id())) {
          duplicates++;
        }
      } catch (InvalidEventException e) {
        rejected.add(i + 1);
      }
    }
    assertEquals(List.of(287, 350, 932, 1157, 1373, 1427, 1560, 1944, 2056), rejected);
    assertEquals(GoldenData.expectedImport().get("accepted").asInt(), keys.size());
    assertEquals(GoldenData.expectedImport().get("duplicates").asInt(), duplicates);
  }

  @ParameterizedTest(name = "{0} is rejected as {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\",\"url\":\"not a url\"}|invalid_url",
      "{\"site\":\"Clozette!\",\"type\":\"pageview\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\",\"url\":\"https://a/\"}|invalid_site",
      "{\"site\":\"elsewhere\",\"type\":\"pageview\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\",\"url\":\"https://a/\"}|unknown_site",
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":\"yesterday\",\"vid\":\"v\",\"id\":\"1\",\"url\":\"https://a/\"}|invalid_ts",
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1.5,\"vid\":\"v\",\"id\":\"1\",\"url\":\"https://a/\"}|invalid_ts",
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":0,\"vid\":\"v\",\"id\":\"1\",\"url\":\"https://a/\"}|invalid_ts",
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1,\"id\":\"1\",\"url\":\"https://a/\"}|missing_vid",
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1,\"vid\":7,\"id\":\"1\",\"url\":\"https://a/\"}|invalid_vid",
      "{\"site\":\"clozette-id\",\"type\":\"teleport\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\",\"url\":\"https://a/\"}|invalid_type",
      "{\"site\":\"clozette-id\",\"type\":\"pageview\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\"}|missing_url",
      "{\"site\":\"clozette-id\",\"type\":\"event\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\"}|missing_name",
      "{\"site\":\"clozette-id\",\"type\":\"ping\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\",\"platform\":\"tv\"}|invalid_platform",
      "{\"site\":\"clozette-id\",\"type\":\"ping\",\"ts\":1,\"vid\":\"v\",\"id\":\"1\",\"props\":[1]}|invalid_props",
      "[1, 2, 3]|not_an_object",
      "{\"site\": \"clozette-id\"|malformed_json",
  })
  @DisplayName("a line breaking a rule is rejected with a reason")
  void lineBreakingARuleIsRejectedWithAReason(String line, String reason) {
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> parser.parse(line));
    assertEquals(reason, e.reason());
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void tooLongIdIsRejected() {
    String id = "i".repeat(129);
    String line = "{\"site\":\"clozette-id\",\"type\":\"ping\",\"ts\":1,\"vid\":\"v\",\"id\":\"" + id + "\"}";
    assertEquals("invalid_id", assertThrows(InvalidEventException.class, () -> parser.parse(line)).reason());
  }

  @Test
  void appScreenViewIsAValidPageview() throws InvalidEventException {
    Event event = parser.parse("{\"site\":\"clozette-sg\",\"type\":\"pageview\",\"ts\":5,\"vid\":\"app-1\",\"id\":\"a\","
        + "\"url\":\"app://clozette/looks/1\",\"platform\":\"app\"}");
    assertEquals(Platform.APP, event.platform());
    assertEquals("/looks/1", event.path());
  }

  @Test
  void storedFormRoundTrips() throws InvalidEventException {
    Event event = parser.parse("{\"site\":\"clozette-id\",\"type\":\"event\",\"ts\":5,\"vid\":\"v\",\"id\":\"a\",\"name\":\"add_to_closet\","
        + "\"url\":\"https://www.clozette.co.id/x?utm_source=ig\",\"ref\":\"https://t.co/\",\"ua\":\"UA \\\"quoted\\\"\",\"props\":{\"look\":3}}")
        .withUserAgent(new UserAgentInfo(BotSource.LIST, "Robot", "Googlebot", "Cloud"))
        .withIp("10.1.2.0");
    assertEquals(event, EventCodec.decode(EventCodec.encode(event)));
  }
}
