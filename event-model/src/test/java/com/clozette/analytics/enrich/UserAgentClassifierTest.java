package com.clozette.analytics.enrich;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserAgentClassifierTest {
  private static UserAgentClassifier classifier;

  @BeforeAll
  static void buildClassifier() {
    classifier = new UserAgentClassifier(100);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  })
  void crawlersOfTheGoldenSetAreBots(String userAgent) {
    assertTrue(classifier.classify(userAgent).bot(), userAgent);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
      "ClozetteApp/5.2.1 (Android 13; Redmi Note 12)",
  })
  void browsersAndTheAppAreNotBots(String userAgent) {
    UserAgentInfo info = classifier.classify(userAgent);
    assertFalse(info.bot(), userAgent + " -> " + info);
    assertNotNull(info.browser());
  }

  @org.junit.jupiter.api.Test
  void familiesAreReportedForBreakdowns() {
    UserAgentInfo iphone = classifier.classify(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1");
    assertEquals("Phone", iphone.device());
    assertEquals("Safari", iphone.browser());
    assertEquals("iOS", iphone.os());
    UserAgentInfo app = classifier.classify("ClozetteApp/5.2.1 (Android 13; Redmi Note 12)");
    assertEquals("ClozetteApp", app.browser());
    assertEquals("Android", app.os());
    assertEquals(UserAgentInfo.UNKNOWN, classifier.classify(null));
  }
}
