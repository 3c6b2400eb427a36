package com.clozette.analytics.event;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlsTest {
  @ParameterizedTest(name = "page of {0} is {1}")
  @CsvSource({
      "https://www.clozette.co.id/looks/1, /looks/1",
      "https://www.clozette.co.id, /",
      "https://www.clozette.co.id?x=1, /",
      "https://www.clozette.co.id/shop/, /shop/",
      "https://www.clozette.co.id/shop, /shop",
      "https://www.clozette.co/trending?utm_source=instagram&utm_medium=social, /trending",
      "https://www.clozette.co/looks/58-dress#comments, /looks/58-dress",
      "app://clozette/looks/1, /looks/1",
      "app://clozette/, /",
  })
  void pageIsThePathOfTheUrl(String url, String path) {
    assertTrue(Urls.isAbsolute(url));
    assertEquals(path, Urls.path(url));
  }

  @ParameterizedTest
  @CsvSource({"not a url", "/relative/path", "https://", "://host/x", "1http://host/"})
  void relativeOrBrokenUrlsAreNotAbsolute(String url) {
    assertFalse(Urls.isAbsolute(url));
  }

  @ParameterizedTest
  @CsvSource({
      "https://www.google.com/search?q=1, www.google.com",
      "https://User@Example.COM:8443/x, example.com",
      "android-app://com.google.android.gm/, com.google.android.gm",
  })
  void hostIsLowerCasedWithoutPortOrUser(String url, String host) {
    assertEquals(host, Urls.host(url));
  }

  @ParameterizedTest
  @CsvSource({
      "https://a/x?utm_source=instagram&utm_medium=social, utm_source, instagram",
      "https://a/x?utm_medium=social&utm_source=news%20letter#top, utm_source, news letter",
  })
  void queryParameterIsDecoded(String url, String name, String value) {
    assertEquals(value, Urls.queryParameter(url, name));
  }
}
