package com.clozette.analytics.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored forms of an {@link Event}. {@link #encode}: one compact JSON object, the record of the
 * Kafka events topic (and of event logs written before issue 11); field names are those of RULES.md
 * plus the enrichment fields, absent optional fields are left out. {@link #encodeRecord}: the compact
 * binary record the collector writes to the local event log ({@link BinaryEventRecord}), because
 * it runs once per beacon on the event loop. {@link #decode} reads either, so logs written by an older
 * version still load.
 */
public final class EventCodec {
  private static final JsonFactory JSON = new JsonFactory();

  private EventCodec() {}

  public static byte[] encode(Event event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", event.id());
      g.writeStringField("site", event.site());
      g.writeStringField("type", event.type().wireName());
      g.writeNumberField("ts", event.ts());
      g.writeStringField("vid", event.vid());
      writeOptional(g, "url", event.url());
      writeOptional(g, "ref", event.ref());
      writeOptional(g, "ua", event.ua());
      g.writeStringField("platform", event.platform().wireName());
      writeOptional(g, "name", event.name());
      writeOptional(g, "props", event.props());
      if (event.bot()) {
        g.writeBooleanField("bot", true);
      }
      writeOptional(g, "botSource", event.botSource());
      writeOptional(g, "device", event.device());
      writeOptional(g, "browser", event.browser());
      writeOptional(g, "os", event.os());
      writeOptional(g, "ip", event.ip());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The binary record of the local event log; see {@link BinaryEventRecord}. */
  public static byte[] encodeRecord(Event event) {
    // Null: a field with an unpaired surrogate, which has no UTF-8 form; the JSON record escapes it, and decode reads both.
    byte[] binary = BinaryEventRecord.encode(event);
    return binary != null ? binary : encode(event);
  }

  /**
   * Decodes what {@link #encode} or {@link #encodeRecord} wrote, told apart by the first byte (a
   * JSON record starts with '{'). Records were validated before they were written.
   *
   * @throws IllegalArgumentException if the bytes are neither form, or a truncated or garbled record
   */
  public static Event decode(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == BinaryEventRecord.VERSION) {
      return BinaryEventRecord.decode(bytes);
    }
    return decodeJson(bytes);
  }

  private static Event decodeJson(byte[] bytes) {
    String id = null, site = null, vid = null, url = null, ref = null, ua = null, name = null, props = null;
    String botSource = null, device = null, browser = null, os = null, ip = null;
    EventType type = null;
    Platform platform = Platform.WEB;
    long ts = 0;
    boolean bot = false;
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("stored event is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "id" -> id = p.getText();
          case "site" -> site = p.getText();
          case "type" -> type = EventType.fromWireName(p.getText());
          case "ts" -> ts = p.getLongValue();
          case "vid" -> vid = p.getText();
          case "url" -> url = p.getText();
          case "ref" -> ref = p.getText();
          case "ua" -> ua = p.getText();
          case "platform" -> platform = Platform.fromWireName(p.getText());
          case "name" -> name = p.getText();
          case "props" -> props = p.getText();
          case "bot" -> bot = p.getBooleanValue();
          case "botSource" -> botSource = p.getText();
          case "device" -> device = p.getText();
          case "browser" -> browser = p.getText();
          case "os" -> os = p.getText();
          case "ip" -> ip = p.getText();
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("stored event is not valid JSON", e);
    }
    return new Event(id, site, type, ts, vid, url, ref, ua, platform, name, props, bot, botSource, device, browser, os, ip);
  }

  private static void writeOptional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }
}
