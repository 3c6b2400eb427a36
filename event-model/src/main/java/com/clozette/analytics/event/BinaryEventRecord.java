package com.clozette.analytics.event;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The compact stored form of an {@link Event} in the local event log (issue 11): written by the
 * collector on the event loop, so it costs a copy of each field's bytes and nothing more.
 *
 * <pre>
 * byte    version (1; a JSON record starts with '{', so the two never collide)
 * byte    type (0 pageview, 1 ping, 2 event: stored codes, not Java's ordinals)
 * byte    platform (0 web, 1 app)
 * byte    bot (0 or 1)
 * int64   ts, big-endian
 * then, in this order: id site vid url ref ua name props botSource device browser os ip,
 * each a u16 length (0xFFFF: null) and that many bytes of UTF-8
 * </pre>
 *
 * Decoding refuses whatever is not exactly such a record (unknown version or enum, a length past the
 * end, bytes left over, invalid UTF-8, a required field missing) instead of reading it wrongly.
 */
final class BinaryEventRecord {
  static final byte VERSION = 1;
  private static final int FIXED_BYTES = 4 + Long.BYTES;
  private static final int NULL_LENGTH = 0xFFFF;
  /** The stored codes, by position: fixed by the format, whatever order the enums are declared in. */
  private static final EventType[] TYPES = {EventType.PAGEVIEW, EventType.PING, EventType.EVENT};
  private static final Platform[] PLATFORMS = {Platform.WEB, Platform.APP};
  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT));

  private BinaryEventRecord() {}

  /**
   * The record, or null when a field cannot be stored in this form: UTF-8 holds no unpaired half
   * of a UTF-16 pair (a JSON body may carry one as an escape), which {@link String#getBytes}
   * would turn into '?', so two different ids could be stored as one.
   */
  static byte[] encode(Event event) {
    String[] values = {event.id(), event.site(), event.vid(), event.url(), event.ref(), event.ua(), event.name(), event.props(),
        event.botSource(), event.device(), event.browser(), event.os(), event.ip()};
    byte[][] fields = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && !wellFormed(values[i])) {
        return null;
      }
      fields[i] = utf8(values[i]);
    }
    int size = FIXED_BYTES;
    for (byte[] field : fields) {
      size += 2 + (field == null ? 0 : field.length);
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION)
        .put(code(TYPES, event.type()))
        .put(code(PLATFORMS, event.platform()))
        .put((byte) (event.bot() ? 1 : 0))
        .putLong(event.ts());
    for (byte[] field : fields) {
      if (field == null) {
        out.putShort((short) NULL_LENGTH);
      } else {
        out.putShort((short) field.length).put(field);
      }
    }
    return out.array();
  }

  private static <T> byte code(T[] codes, T value) {
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] == value) {
        return (byte) i;
      }
    }
    throw new IllegalArgumentException(value + " has no stored code");
  }

  private static boolean wellFormed(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] utf8(String value) {
    if (value == null) {
      return null;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    // Every field is validated to far fewer characters (RULES.md); this only keeps a future field honest.
    if (bytes.length >= NULL_LENGTH) {
      throw new IllegalArgumentException("a field of " + bytes.length + " bytes does not fit a stored event");
    }
    return bytes;
  }

  static Event decode(byte[] bytes) {
    if (bytes.length < FIXED_BYTES) {
      throw new IllegalArgumentException("stored event of " + bytes.length + " bytes is truncated");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("stored event has unknown version " + version);
    }
    EventType type = TYPES[index(in.get(), TYPES.length, "type")];
    Platform platform = PLATFORMS[index(in.get(), PLATFORMS.length, "platform")];
    int bot = in.get();
    if (bot != 0 && bot != 1) {
      throw new IllegalArgumentException("stored event has an invalid bot flag " + bot);
    }
    long ts = in.getLong();
    String id = required(in, "id");
    String site = required(in, "site");
    String vid = required(in, "vid");
    Event event = new Event(id, site, type, ts, vid, text(in), text(in), text(in), platform, text(in), text(in),
        bot == 1, text(in), text(in), text(in), text(in), text(in));
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("stored event has " + in.remaining() + " bytes after its last field");
    }
    return event;
  }

  private static int index(byte value, int count, String what) {
    if (value < 0 || value >= count) {
      throw new IllegalArgumentException("stored event has an unknown " + what + " " + value);
    }
    return value;
  }

  private static String required(ByteBuffer in, String field) {
    String value = text(in);
    if (value == null) {
      throw new IllegalArgumentException("stored event has no " + field);
    }
    return value;
  }

  private static String text(ByteBuffer in) {
    if (in.remaining() < 2) {
      throw new IllegalArgumentException("stored event is truncated");
    }
    int length = Short.toUnsignedInt(in.getShort());
    if (length == NULL_LENGTH) {
      return null;
    }
    if (length > in.remaining()) {
      throw new IllegalArgumentException("stored event is truncated: a field of " + length + " bytes, " + in.remaining() + " left");
    }
    int start = in.position();
    in.position(start + length);
    byte[] bytes = in.array();
    if (isAscii(bytes, start, length)) {
      return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
    }
    try {
      CharBuffer chars = UTF8.get().reset().decode(ByteBuffer.wrap(bytes, start, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("stored event has a field that is not UTF-8", e);
    }
  }

  private static boolean isAscii(byte[] bytes, int start, int length) {
    for (int i = start; i < start + length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }
}
