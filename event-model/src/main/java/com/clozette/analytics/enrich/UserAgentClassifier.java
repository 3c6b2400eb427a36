package com.clozette.analytics.enrich;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.util.Set;
import java.util.regex.Pattern;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Classifies user agents with Yauaa (a maintained rule set covering browsers, apps and crawlers),
 * behind a Caffeine cache: real traffic repeats a few thousand distinct user agents, and Yauaa
 * takes tens of microseconds per uncached parse.
 */
public final class UserAgentClassifier {
  private static final Set<String> ROBOT_DEVICE_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Hacker");
  /** Our own app says who it is; Yauaa does not know it, so it is named here rather than "Unknown". */
  private static final Pattern CLOZETTE_APP = Pattern.compile("^ClozetteApp/\\S+ \\((Android|iOS)[ ;)]");

  private final UserAgentAnalyzer analyzer;
  private final LoadingCache<String, UserAgentInfo> cache;

  public UserAgentClassifier(int cacheSize) {
    this.analyzer = UserAgentAnalyzer.newBuilder()
        .hideMatcherLoadStats()
        .withCache(0)
        .withField(UserAgent.DEVICE_CLASS)
        .withField(UserAgent.AGENT_NAME)
        .withField(UserAgent.OPERATING_SYSTEM_NAME)
        .immediateInitialization()
        .build();
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build(this::classifyUncached);
  }

  /** Classifies a user agent; null or empty is {@link UserAgentInfo#UNKNOWN}. */
  public UserAgentInfo classify(String userAgent) {
    if (userAgent == null || userAgent.isEmpty()) {
      return UserAgentInfo.UNKNOWN;
    }
    return cache.get(userAgent);
  }

  private UserAgentInfo classifyUncached(String userAgent) {
    var app = CLOZETTE_APP.matcher(userAgent);
    if (app.find()) {
      String os = app.group(1);
      return new UserAgentInfo(false, "Phone", "ClozetteApp", os);
    }
    UserAgent parsed = analyzer.parse(userAgent);
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    return new UserAgentInfo(
        ROBOT_DEVICE_CLASSES.contains(deviceClass),
        deviceClass,
        parsed.getValue(UserAgent.AGENT_NAME),
        parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME));
  }
}
