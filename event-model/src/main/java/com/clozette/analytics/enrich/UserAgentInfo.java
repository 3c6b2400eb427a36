package com.clozette.analytics.enrich;

/**
 * What a user agent string says about the client, in the families reports break down by.
 *
 * @param device device class, e.g. {@code Phone}, {@code Desktop}, {@code Tablet}
 * @param browser agent name, e.g. {@code Chrome}, {@code Safari}, {@code ClozetteApp}
 * @param os operating system name, e.g. {@code Android}, {@code iOS}
 */
public record UserAgentInfo(boolean bot, String device, String browser, String os) {
  public static final UserAgentInfo UNKNOWN = new UserAgentInfo(false, "Unknown", "Unknown", "Unknown");
}
