package com.clozette.analytics.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event log's binary record and the JSON record it replaced: both decode, nothing is misread. */
class EventCodecTest {
  private static final Event EVERY_FIELD = new Event("e-1", "clozette-id", EventType.EVENT, 1_764_000_000_123L, "v-1",
      "https://www.clozette.co.id/looks/1?utm_source=ig", "https://t.co/x", "Mozilla/5.0 \"quoted\"", Platform.APP,
      "add_to_closet", "{\"look\":3,\"tags\":[\"a\",\"b\"]}", true, "list", "Robot", "Googlebot", "Cloud", "10.1.2.0");
  /** Only what RULES.md requires: every optional field null. */
  private static final Event REQUIRED_ONLY = new Event("e-2", "clozette-sg", EventType.PING, 1L, "v-2",
      null, null, null, Platform.WEB, null, null, false, null, null, null, null, null);

  @Test
  void binaryRecordRoundTripsEveryField() {
    for (Event event : List.of(EVERY_FIELD, REQUIRED_ONLY)) {
      byte[] record = EventCodec.encodeRecord(event);
      assertEquals(BinaryEventRecord.VERSION, record[0]);
      assertEquals(event, EventCodec.decode(record));
    }
  }

  @Test
  void binaryRecordRoundTripsEveryTypeAndPlatform() {
    for (EventType type : EventType.values()) {
      for (Platform platform : Platform.values()) {
        Event event = new Event("i", "s", type, Long.MAX_VALUE, "v", null, null, null, platform, null, null, false,
            null, null, null, null, null);
        assertEquals(event, EventCodec.decode(EventCodec.encodeRecord(event)));
      }
    }
  }

  @Test
  void binaryRecordKeepsUnicodeAndEmptyStringsApart() {
    // Empty text never passes validation, but the record must not turn it into null (or back).
    Event event = new Event("ид-1", "clozette-id", EventType.PAGEVIEW, 5L, "訪問者-🙂",
        "https://www.clozette.co.id/lihat/çà?q=漢字", "", "Mozilla/5.0 (ünïcödé)", Platform.WEB, null,
        "{\"emoji\":\"👗\"}", false, null, "", "Chrome", "Android", "2001:db8::");
    assertEquals(event, EventCodec.decode(EventCodec.encodeRecord(event)));
  }

  @Test
  void binaryRecordHoldsFieldsAtTheirLongestInThreeByteCharacters() {
    String wide = "漢"; // 3 bytes of UTF-8 per character: the largest a validated field can be per character
    Event event = new Event(wide.repeat(EventLimits.MAX_ID_LENGTH), "clozette-id", EventType.EVENT, 5L,
        wide.repeat(EventLimits.MAX_VID_LENGTH), "https://a/" + wide.repeat(EventLimits.MAX_URL_LENGTH - 10),
        "https://b/" + wide.repeat(EventLimits.MAX_REF_LENGTH - 10), wide.repeat(EventLimits.MAX_UA_LENGTH), Platform.APP,
        wide.repeat(EventLimits.MAX_NAME_LENGTH), "{\"k\":\"" + wide.repeat(EventLimits.MAX_PROPS_LENGTH - 8) + "\"}", true,
        "yauaa", "Phone", "Chrome", "Android", "10.0.0.0");
    assertEquals(event, EventCodec.decode(EventCodec.encodeRecord(event)));
  }

  @Test
  void jsonRecordOfAnOlderLogStillDecodes() {
    // Byte for byte what EventCodec.encode wrote to the event log before the binary record (issue 11).
    String old = "{\"id\":\"e-1\",\"site\":\"clozette-id\",\"type\":\"event\",\"ts\":1764000000123,\"vid\":\"v-1\","
        + "\"url\":\"https://www.clozette.co.id/looks/1?utm_source=ig\",\"ref\":\"https://t.co/x\","
        + "\"ua\":\"Mozilla/5.0 \\\"quoted\\\"\",\"platform\":\"app\",\"name\":\"add_to_closet\","
        + "\"props\":\"{\\\"look\\\":3,\\\"tags\\\":[\\\"a\\\",\\\"b\\\"]}\",\"bot\":true,\"botSource\":\"list\","
        + "\"device\":\"Robot\",\"browser\":\"Googlebot\",\"os\":\"Cloud\",\"ip\":\"10.1.2.0\"}";
    assertArrayEquals(old.getBytes(StandardCharsets.UTF_8), EventCodec.encode(EVERY_FIELD));
    assertEquals(EVERY_FIELD, EventCodec.decode(old.getBytes(StandardCharsets.UTF_8)));
    assertEquals(REQUIRED_ONLY, EventCodec.decode(EventCodec.encode(REQUIRED_ONLY)));
  }

  /**
   * Version 1 of the binary record, byte for byte: logs written by this version must load in every
   * later one, so the format (field order, the type and platform codes) may not drift with the code.
   */
  @Test
  void theBinaryRecordOfVersionOneIsPinnedByteForByte() {
    Event ping = new Event("e-1", "clozette-id", EventType.PING, 1764000000123L, "v-1", null, null, "UA", Platform.APP, null, null,
        false, null, null, null, null, "10.1.2.0");
    String version1 = "01" + "01" + "01" + "00" + "0000019ab697e87b" + "0003652d31" + "000b636c6f7a657474652d6964" + "0003762d31"
        + "ffff" + "ffff" + "00025541" + "ffff".repeat(6) + "000831302e312e322e30";
    assertEquals(version1, java.util.HexFormat.of().formatHex(EventCodec.encodeRecord(ping)));
    assertEquals(ping, EventCodec.decode(java.util.HexFormat.of().parseHex(version1)));
  }

  /**
   * A JSON body may carry half of a UTF-16 pair ({@code "\ud800"}), which has no UTF-8 form: such
   * an event is stored as JSON, so two ids differing only there stay two events.
   */
  @Test
  void anUnpairedSurrogateSurvivesTheStoredForm() {
    Event high = new Event("id-\ud800", "clozette-id", EventType.PAGEVIEW, 1764000000123L, "v-1", "https://www.clozette.co.id/", null,
        null, Platform.WEB, null, null, false, null, null, null, null, null);
    Event low = new Event("id-\udc00", "clozette-id", EventType.PAGEVIEW, 1764000000123L, "v-1", "https://www.clozette.co.id/", null,
        null, Platform.WEB, null, null, false, null, null, null, null, null);
    assertEquals(high, EventCodec.decode(EventCodec.encodeRecord(high)));
    assertEquals(low, EventCodec.decode(EventCodec.encodeRecord(low)));
    Event pair = new Event("id-\ud83d\udc57", "clozette-id", EventType.PAGEVIEW, 1764000000123L, "v-1", "https://www.clozette.co.id/",
        null, null, Platform.WEB, null, null, false, null, null, null, null, null);
    assertEquals(1, EventCodec.encodeRecord(pair)[0], "a well-formed pair (an emoji) keeps the binary record");
    assertEquals(pair, EventCodec.decode(EventCodec.encodeRecord(pair)));
  }

  @Test
  void everyTruncationOfABinaryRecordIsRejected() {
    for (Event event : List.of(EVERY_FIELD, REQUIRED_ONLY)) {
      byte[] record = EventCodec.encodeRecord(event);
      for (int length = 0; length < record.length; length++) {
        byte[] truncated = Arrays.copyOf(record, length);
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(truncated), "a record cut to " + length + " bytes");
      }
    }
  }

  @Test
  void garbledBinaryRecordsAreRejected() {
    byte[] record = EventCodec.encodeRecord(EVERY_FIELD);
    assertRejected(record, bytes -> bytes[1] = 3, "unknown type");
    assertRejected(record, bytes -> bytes[2] = -1, "unknown platform");
    assertRejected(record, bytes -> bytes[3] = 2, "bot flag neither 0 nor 1");
    assertRejected(Arrays.copyOf(record, record.length + 1), bytes -> { }, "a byte after the last field");
    // The id's length (offset 12) says null: a required field is missing.
    assertRejected(record, bytes -> ByteBuffer.wrap(bytes).putShort(12, (short) 0xFFFF), "no id");
    // The id's length points past the end of the record.
    assertRejected(record, bytes -> ByteBuffer.wrap(bytes).putShort(12, (short) 0x7FFF), "a length past the end");
    // The id's first byte is a lone UTF-8 continuation byte.
    assertRejected(record, bytes -> bytes[14] = (byte) 0x80, "invalid UTF-8");
  }

  @Test
  void recordOfAFutureVersionIsRejected() {
    byte[] record = EventCodec.encodeRecord(EVERY_FIELD);
    record[0] = 2;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(record));
    assertTrue(e.getMessage().contains("not valid JSON") || e.getMessage().contains("version"), e.getMessage());
  }

  @Test
  void binaryRecordIsSmallerThanTheJsonItReplaces() {
    assertTrue(EventCodec.encodeRecord(EVERY_FIELD).length < EventCodec.encode(EVERY_FIELD).length);
  }

  private interface Garble {
    void apply(byte[] bytes);
  }

  private static void assertRejected(byte[] record, Garble garble, String what) {
    byte[] garbled = record.clone();
    garble.apply(garbled);
    assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(garbled), what);
  }
}
