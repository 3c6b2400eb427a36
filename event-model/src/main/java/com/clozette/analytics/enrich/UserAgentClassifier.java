package com.clozette.analytics.enrich;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.util.Set;
import java.util.regex.Pattern;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Classifies user agents: Yauaa (a maintained rule set covering browsers, apps and crawlers) for
 * device, browser and OS, and a bot when either Yauaa's device class says robot or isbot's crawler
 * list ({@link CrawlerList}) matches. One instance per place where events enter a store (loader,
 * importer, stream processor), never on a request path: a parse of a user agent Yauaa has not seen
 * costs milliseconds. A Caffeine cache keyed by the user agent makes that cost once per distinct
 * user agent; real traffic repeats a few thousand.
 */
public final class UserAgentClassifier {
  private static final Set<String> ROBOT_DEVICE_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Hacker");
  /** Our own app says who it is; Yauaa does not know it, so it is named here rather than "Unknown". */
  private static final Pattern CLOZETTE_APP = Pattern.compile("^ClozetteApp/\\S+ \\((Android|iOS)[ ;)]");
  /**
   * Yauaa reads at most this much of a user agent: its parse of random text grows faster than the
   * text (BENCHMARKS.md "Bots"), and device, browser and OS are named near the start. The rest is
   * cut rather than refused: Yauaa's own withUserAgentMaxLength would call every longer user agent
   * a "Hacker", a bot, and real in-app browsers send up to ~300 characters. The crawler list, linear
   * in the length, still reads the whole user agent.
   */
  static final int YAUAA_MAX_LENGTH = 256;

  private final UserAgentAnalyzer analyzer;
  private final CrawlerList crawlers;
  private final LoadingCache<String, UserAgentInfo> cache;

  public UserAgentClassifier(int cacheSize) {
    this.analyzer = UserAgentAnalyzer.newBuilder()
        .hideMatcherLoadStats()
        .withCache(0)
        .withField(UserAgent.DEVICE_CLASS)
        .withField(UserAgent.AGENT_NAME)
        .withField(UserAgent.OPERATING_SYSTEM_NAME)
        // Yauaa's own test cases are of no use here and take about 24 MB of heap.
        .dropTests()
        .immediateInitialization()
        .build();
    this.crawlers = CrawlerList.packaged();
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build(this::classifyUncached);
  }

  /** Classifies a user agent; null or empty is {@link UserAgentInfo#UNKNOWN}, a person. */
  public UserAgentInfo classify(String userAgent) {
    if (userAgent == null || userAgent.isEmpty()) {
      return UserAgentInfo.UNKNOWN;
    }
    return cache.get(userAgent);
  }

  /** How many user agents were parsed (not found in the cache) since this classifier was made. */
  public long parsed() {
    return cache.stats().missCount();
  }

  /** Which crawler list this classifier uses, e.g. {@code isbot 5.2.3}. */
  public String crawlerListVersion() {
    return crawlers.version();
  }

  private UserAgentInfo classifyUncached(String userAgent) {
    var app = CLOZETTE_APP.matcher(userAgent);
    if (app.find()) {
      return new UserAgentInfo(null, "Phone", "ClozetteApp", app.group(1));
    }
    UserAgent parsed = analyzer.parse(userAgent.length() > YAUAA_MAX_LENGTH ? userAgent.substring(0, YAUAA_MAX_LENGTH) : userAgent);
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    BotSource botSource = ROBOT_DEVICE_CLASSES.contains(deviceClass) ? BotSource.YAUAA
        : crawlers.matches(userAgent) ? BotSource.LIST
        : null;
    return new UserAgentInfo(
        botSource,
        deviceClass,
        parsed.getValue(UserAgent.AGENT_NAME),
        parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME));
  }
}
