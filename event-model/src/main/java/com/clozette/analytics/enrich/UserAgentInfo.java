package com.clozette.analytics.enrich;

/**
 * What a user agent string says about the client, in the families reports break down by.
 *
 * @param botSource the rule that found the client to be a bot, or null for a person
 * @param device device class, e.g. {@code Phone}, {@code Desktop}, {@code Tablet}
 * @param browser agent name, e.g. {@code Chrome}, {@code Safari}, {@code ClozetteApp}; a bot's name
 * @param os operating system name, e.g. {@code Android}, {@code iOS}
 */
public record UserAgentInfo(BotSource botSource, String device, String browser, String os) {
  public static final UserAgentInfo UNKNOWN = new UserAgentInfo(null, "Unknown", "Unknown", "Unknown");

  public boolean bot() {
    return botSource != null;
  }

  /** The stored form of {@link #botSource}: null for a person. */
  public String botSourceName() {
    return botSource == null ? null : botSource.wireName();
  }
}
