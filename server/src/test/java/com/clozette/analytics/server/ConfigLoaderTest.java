package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.log.FsyncPolicy;
import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigException;
import com.clozette.analytics.server.config.ConfigLoader;
import java.nio.file.Files;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The shipped config loads with safe defaults, and every bad value names its key. */
class ConfigLoaderTest {
  @Test
  void shippedConfigDeclaresBothSitesWithTheirZones() throws Exception {
    AnalyticsConfig config = ConfigLoader.parse(Files.readString(TestSystem.repositoryConfig()), Map.of());
    assertEquals(8080, config.port());
    assertEquals(ZoneId.of("Asia/Jakarta"), config.sites().get(0).timeZone());
    assertEquals("clozette-sg", config.sites().get(1).id());
    assertEquals(ZoneId.of("Asia/Singapore"), config.sites().get(1).timeZone());
    assertEquals(FsyncPolicy.ALWAYS, config.log().fsync());
    assertTrue(config.log().preallocate(), "segments are preallocated, so fsync: always is cheap");
    assertTrue(config.auth().tokens().isEmpty(), "no token works until an operator sets one");
    assertEquals(AnalyticsConfig.DuckDb.DEFAULTS, config.duckdb(), "the file states the store's documented bounds");
    assertEquals(AnalyticsConfig.Metrics.OPEN, config.metrics(), "/metrics is open by default, as Prometheus expects");
  }

  @Test
  void metricsTokenFromTheEnvironmentIsKeptOnlyAsItsHash() throws Exception {
    AnalyticsConfig config = ConfigLoader.parse(Files.readString(TestSystem.repositoryConfig()),
        Map.of("ANALYTICS_METRICS_TOKEN", "scrape-token-0123456789"));
    assertEquals(com.clozette.analytics.aggregator.auth.TokenAuthenticator.sha256Hex("scrape-token-0123456789"),
        config.metrics().tokenSha256());
  }

  @Test
  void hstsMaxAgeDefaultsToOneYearAndZeroTurnsItOff() throws Exception {
    java.nio.file.Path cert = Files.createTempFile("cert", ".pem");
    try {
      String tls = "sites: [{id: a}]\nserver: {tls: {certFile: " + cert + ", keyFile: " + cert;
      assertEquals(31_536_000, ConfigLoader.parse(tls + "}}", Map.of()).tls().hstsMaxAgeSeconds());
      assertEquals(0, ConfigLoader.parse(tls + ", hstsMaxAgeSeconds: 0}}", Map.of()).tls().hstsMaxAgeSeconds());
    } finally {
      Files.delete(cert);
    }
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    AnalyticsConfig config = ConfigLoader.parse(Files.readString(TestSystem.repositoryConfig()), Map.of(
        "ANALYTICS_PORT", "9191", "ANALYTICS_DATA_DIR", "/var/lib/analytics", "ANALYTICS_STAFF_TOKEN", "a-long-enough-token",
        "ANALYTICS_PARTNER_TOKEN", "another-long-enough-token", "ANALYTICS_PARTNER_SITES", "clozette-sg"));
    assertEquals(9191, config.port());
    assertEquals("/var/lib/analytics", config.dataDir().toString());
    assertEquals(2, config.auth().tokens().size());
    assertEquals(java.util.Set.of("clozette-sg"), config.auth().tokens().get(1).sites());
  }

  @ParameterizedTest(name = "{0} fails naming {1}")
  @CsvSource(delimiter = '|', value = {
      "server: {port: 70000}|server.port",
      "server: {port: eighty}|server.port",
      "sites: [{id: clozette-id, timeZone: Asia/Jkt}]|sites[0].timeZone",
      "sites: [{id: Clozette}]|sites[0].id",
      "sites: []|sites",
      "sites: [{id: a}, {id: a}]|sites[1].id",
      "sites: [{id: a, origins: [www.clozette.co.id]}]|sites[0].origins",
      "sites: [{id: a, doNotTrack: maybe}]|sites[0].doNotTrack",
      "sites: [{id: a}]\\nlog: {fsync: sometimes}|log.fsync",
      "sites: [{id: a}]\\nlog: {segmentBytes: 10}|log.segmentBytes",
      "sites: [{id: a}]\\nlog: {preallocate: often}|log.preallocate",
      "sites: [{id: a}]\\nsesions: {gapMinutes: 30}|sesions",
      "sites: [{id: a}]\\nauth: {tokens: [{sha256: abc, role: staff}]}|auth.tokens[0].sha256",
      "sites: [{id: a}]\\nauth: {partnerToken: short}|auth.partnerToken",
      "sites: [{id: a}]\\nserver: {tls: {certFile: /nonexistent.pem, keyFile: /nonexistent.key}}|server.tls.certFile",
      "sites: [{id: a}]\\nduckdb: {memoryLimitMb: 10}|duckdb.memoryLimitMb",
      "sites: [{id: a}]\\nduckdb: {threads: 0}|duckdb.threads",
      "sites: [{id: a}]\\nduckdb: {dedupeWindowHours: 0}|duckdb.dedupeWindowHours",
      "sites: [{id: a}]\\nduckdb: {memoryLimit: 1GB}|duckdb.memoryLimit",
      "sites: [{id: a}]\\nserver: {tls: {hstsMaxAgeSeconds: -1}}|server.tls.hstsMaxAgeSeconds",
      "sites: [{id: a}]\\nmetrics: {token: short}|metrics.token",
      "sites: [{id: a}]\\nmetrics: {sha256: abc}|metrics.sha256",
      "sites: [{id: a}]\\nmetrics: {tokn: a-long-enough-token}|metrics.tokn",
  })
  void badValueFailsNamingTheKey(String yaml, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml.replace("\\n", "\n"), Map.of()));
    assertTrue(e.getMessage().startsWith("config error: " + key), e.getMessage());
  }

  @Test
  void badEnvironmentValueNamesTheKey() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(Files.readString(TestSystem.repositoryConfig()), Map.of("ANALYTICS_PORT", "http")));
    assertTrue(e.getMessage().contains("server.port"), e.getMessage());
  }
}
