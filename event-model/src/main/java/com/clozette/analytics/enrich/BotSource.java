package com.clozette.analytics.enrich;

/**
 * Which rule found a user agent to be a bot, stored with the event ({@code bot_source}) so that a
 * wrong flag can be traced to its rule and corrected.
 */
public enum BotSource {
  /** Yauaa's device class says robot (Googlebot, AhrefsBot, ...); it also names the bot. */
  YAUAA("yauaa"),
  /** isbot's crawler list matched and Yauaa did not flag it. */
  LIST("list");

  private final String wireName;

  BotSource(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
