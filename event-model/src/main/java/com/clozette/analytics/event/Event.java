package com.clozette.analytics.event;

import com.clozette.analytics.enrich.UserAgentInfo;

/**
 * One validated event as it is written to the event log and stored. The first block of fields is
 * what a client or an import sends (RULES.md); the second is what the user agent says, added where
 * events enter a store (loader, importer, stream processor), never by the collector; the last is
 * the collector's anonymised address. Optional text fields are null when absent; {@code ip} is
 * already anonymised, never raw.
 *
 * @param props a JSON object text of custom-event properties, or null
 * @param bot whether the user agent is a known crawler; bots are stored but never counted
 * @param botSource the rule that flagged a bot ({@code yauaa}, {@code list}), null for a person
 */
public record Event(
    String id,
    String site,
    EventType type,
    long ts,
    String vid,
    String url,
    String ref,
    String ua,
    Platform platform,
    String name,
    String props,
    boolean bot,
    String botSource,
    String device,
    String browser,
    String os,
    String ip) {

  /** The page of this event: the path of its URL (RULES.md), or null when it has no URL. */
  public String path() {
    return url == null ? null : Urls.path(url);
  }

  /** This event with what its user agent says (replacing whatever an older classification said). */
  public Event withUserAgent(UserAgentInfo client) {
    return new Event(id, site, type, ts, vid, url, ref, ua, platform, name, props,
        client.bot(), client.botSourceName(), client.device(), client.browser(), client.os(), ip);
  }

  /** This event with the client's address, already anonymised. */
  public Event withIp(String anonymizedIp) {
    return new Event(id, site, type, ts, vid, url, ref, ua, platform, name, props, bot, botSource, device, browser, os, anonymizedIp);
  }
}
