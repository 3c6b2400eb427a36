package com.clozette.analytics.event;

/**
 * One validated, enriched event as it is written to the event log and stored. The first block of
 * fields is what a client or an import sends (RULES.md); the second is what the collector adds.
 * Optional text fields are null when absent; {@code ip} is already anonymised, never raw.
 *
 * @param props a JSON object text of custom-event properties, or null
 * @param bot whether the user agent is a known crawler; bots are stored but never counted
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
    String device,
    String browser,
    String os,
    String ip) {

  /** The page of this event: the path of its URL (RULES.md), or null when it has no URL. */
  public String path() {
    return url == null ? null : Urls.path(url);
  }

  /** This event with what the collector learned about its client added. */
  public Event withClient(boolean bot, String device, String browser, String os, String ip) {
    return new Event(id, site, type, ts, vid, url, ref, ua, platform, name, props, bot, device, browser, os, ip);
  }
}
