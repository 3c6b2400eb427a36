package com.clozette.analytics.kafka;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Urls;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One de-duplicated event as the clean topic carries it: the row Druid ingests (its dimensions are
 * the report and breakdown dimensions, the page already reduced to its path by the rules of
 * RULES.md) and what the sessioniser needs ({@code id} orders events of equal time).
 *
 * @param bot "true" or "false": Druid dimensions are strings, and bots are stored but never counted
 * @param botSource the rule that flagged a bot ({@code yauaa}, {@code list}), absent for a person
 * @param refHost the referrer's host, as the embedded store keeps it: the sessioniser takes a session's
 *     referrer from it (the events datasource does not ingest it)
 * @param utmSource the page URL's {@code utm_source}, as the embedded store keeps it, for the same reason
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CleanEvent(String id, String site, String type, long ts, String vid, String path, String platform,
    String bot, String botSource, String device, String browser, String os, String refHost, String utmSource) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static CleanEvent of(Event event) {
    return new CleanEvent(event.id(), event.site(), event.type().wireName(), event.ts(), event.vid(), event.path(),
        event.platform().wireName(), Boolean.toString(event.bot()), event.botSource(), event.device(), event.browser(), event.os(),
        Urls.host(event.ref()), Urls.queryParameter(event.url(), "utm_source"));
  }

  boolean isBot() {
    return "true".equals(bot);
  }

  boolean isPageview() {
    return EventType.PAGEVIEW.wireName().equals(type);
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CleanEvent fromJson(byte[] json) {
    try {
      return JSON.readValue(json, CleanEvent.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
