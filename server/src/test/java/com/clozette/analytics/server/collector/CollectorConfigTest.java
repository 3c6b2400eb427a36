package com.clozette.analytics.server.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.clozette.analytics.server.TestSystem;
import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigException;
import com.clozette.analytics.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The collector's keys of config/analytics.yaml: defaults, the environment, and refusals naming the key. */
class CollectorConfigTest {
  private static final String SITES = "sites:\n  - id: clozette-id\n";

  @Test
  void theRepositoryConfigHasTheDocumentedDefaults() throws IOException {
    AnalyticsConfig.Collector collector = ConfigLoader.parse(Files.readString(TestSystem.repositoryConfig()), Map.of()).collector();

    assertEquals("_cz_vid", collector.cookieName());
    assertNull(collector.cookieDomain());
    assertEquals(List.of(), collector.trustedProxies());
  }

  @Test
  void everyKeyCanBeSetAndTrustedProxiesComeFromTheEnvironmentToo() {
    AnalyticsConfig.Collector fromFile = ConfigLoader.parse(SITES + """
        collector:
          cookieName: cz
          cookieDomain: .Clozette.co.id
          trustedProxies: [127.0.0.1, 10.0.0.0/8]
        """, Map.of()).collector();
    AnalyticsConfig.Collector fromEnvironment = ConfigLoader.parse(SITES, Map.of("ANALYTICS_TRUSTED_PROXIES", "192.168.0.0/16, ::1")).collector();

    assertEquals(new AnalyticsConfig.Collector("cz", ".clozette.co.id", List.of("127.0.0.1", "10.0.0.0/8")), fromFile);
    assertEquals(List.of("192.168.0.0/16", "::1"), fromEnvironment.trustedProxies());
  }

  @Test
  void badValuesStopTheStartNamingTheKey() {
    assertEquals("collector.trustedProxies[1]", refusal("collector:\n  trustedProxies: [10.0.0.0/8, proxy.internal]\n"));
    assertEquals("collector.cookieName", refusal("collector:\n  cookieName: \"a b\"\n"));
    assertEquals("collector.cookieDomain", refusal("collector:\n  cookieDomain: \"http://x\"\n"));
    assertEquals("collector.cookieAge", refusal("collector:\n  cookieAge: 3\n"));
  }

  private static String refusal(String yaml) {
    String message = assertThrows(ConfigException.class, () -> ConfigLoader.parse(SITES + yaml, Map.of())).getMessage();
    return message.substring("config error: ".length(), message.indexOf(": ", "config error: ".length()));
  }
}
