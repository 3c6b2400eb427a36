package com.clozette.analytics.enrich;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classifier against a sample of two public corpora nobody here wrote (src/test/resources/bots,
 * with their licences; written by bench/bots/sample-fixture.js): crawler-user-agents' instances of
 * known crawlers, monitors and scrapers, and user-agents' weighted real-browser data.
 */
class CrawlerFixtureTest {
  /** A number after the first of a dotted version: 0.0.0 in Chrome/131.0.0.0, 36 in Safari/537.36. */
  private static final Pattern MINOR_OR_PATCH = Pattern.compile("(?<=\\d\\.)\\d+");
  private static UserAgentClassifier classifier;
  private static List<String> crawlers;
  private static List<String> browsers;

  @BeforeAll
  static void load() {
    classifier = new UserAgentClassifier(10_000);
    crawlers = lines("bots/crawlers.txt");
    browsers = lines("bots/browsers.txt");
  }

  @Test
  void flagsAtLeast99PercentOfKnownCrawlers() {
    List<String> missed = crawlers.stream().filter(ua -> !classifier.classify(ua).bot()).toList();
    assertTrue(missed.size() * 100 <= crawlers.size(), missed.size() + " of " + crawlers.size() + " missed: " + missed);
  }

  @Test
  void theListFindsCrawlersYauaaDoesNotKnow() {
    long byList = crawlers.stream().filter(ua -> classifier.classify(ua).botSource() == BotSource.LIST).count();
    assertTrue(byList > crawlers.size() / 20, byList + " of " + crawlers.size());
    assertEquals(BotSource.LIST, classifier.classify("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36").botSource());
    assertEquals(BotSource.YAUAA, classifier.classify("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").botSource());
  }

  @Test
  void flagsNoBrowserOfTheFixture() {
    List<String> flagged = browsers.stream().filter(ua -> classifier.classify(ua).bot()).toList();
    assertEquals(List.of(), flagged);
  }

  /**
   * Property: a browser of the fixture with other minor and patch versions (as its next releases
   * will send) is still a browser. 2,000 seeded variants, so a failure names a reproducible user agent.
   */
  @Test
  void browsersWithOtherVersionNumbersAreStillNotBots() {
    Random random = new Random(14);
    for (int i = 0; i < 2_000; i++) {
      String variant = withOtherDigits(browsers.get(random.nextInt(browsers.size())), random);
      UserAgentInfo info = classifier.classify(variant);
      assertFalse(info.bot(), variant + " -> " + info);
    }
  }

  @Test
  void aLongUserAgentIsClassifiedFromItsStartAndMatchedWhole() {
    String inAppBrowser = browsers.stream().filter(ua -> ua.length() > UserAgentClassifier.YAUAA_MAX_LENGTH).findFirst().orElseThrow();
    assertFalse(classifier.classify(inAppBrowser).bot(), inAppBrowser);
    String padded = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
        + " x".repeat(100) + " AhrefsBot/7.0";
    assertEquals(BotSource.LIST, classifier.classify(padded).botSource());
  }

  private static String withOtherDigits(String userAgent, Random random) {
    Matcher minorOrPatch = MINOR_OR_PATCH.matcher(userAgent);
    StringBuilder variant = new StringBuilder();
    while (minorOrPatch.find()) {
      minorOrPatch.appendReplacement(variant, Integer.toString(random.nextInt(1000)));
    }
    return minorOrPatch.appendTail(variant).toString();
  }

  private static List<String> lines(String resource) {
    try (InputStream in = CrawlerFixtureTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
