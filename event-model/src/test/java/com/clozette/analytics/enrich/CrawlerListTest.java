package com.clozette.analytics.enrich;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CrawlerListTest {
  private final CrawlerList list = CrawlerList.packaged();

  @Test
  void thePinnedIsbotListIsPackaged() {
    assertTrue(list.version().startsWith("isbot "), list.version());
    assertTrue(list.size() > 100, "entries: " + list.size());
  }

  @Test
  void entriesThatNeedLookaroundKeepTheirMeaning() {
    assertTrue(list.matches("Mozilla/5.0 (compatible; SiteScanner/1.0)"));
    assertFalse(list.matches("Mozilla/5.0 (Linux; Android 14) CamScanner/6.0"), "(?<!cam)scan");
  }

  /** A list update with such an entry fails the build here rather than ship a pattern that could backtrack. */
  @Test
  void refusesALookaroundEntryWithAnUnboundedQuantifier() {
    var refused = assertThrows(IllegalStateException.class, () -> CrawlerList.of("test", java.util.List.of("bot", "(?<!x)(a+)+b")));
    assertTrue(refused.getMessage().contains("(?<!x)(a+)+b"), refused.getMessage());
    assertTrue(CrawlerList.of("test", java.util.List.of("(?<!x)ab{1,3}")).matches("xyz abb"));
  }
}
