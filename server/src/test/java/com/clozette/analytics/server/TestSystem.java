package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole system started in-process on a free port and a given data dir, with the default
 * config file of the repository, and a plain HTTP client to talk to it over loopback.
 */
public final class TestSystem implements AutoCloseable {
  public static final String STAFF_TOKEN = "staff-token-for-tests-0123456789";
  public static final String PARTNER_TOKEN = "partner-token-for-tests-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final AnalyticsServer server;
  private final Path dataDir;
  private JsonNode goldenImport;

  private TestSystem(AnalyticsServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  public static TestSystem start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  public static TestSystem start(Path dataDir, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("ANALYTICS_CONFIG", repositoryConfig().toString());
    env.put("ANALYTICS_PORT", "0");
    env.put("ANALYTICS_HOST", "127.0.0.1");
    env.put("ANALYTICS_DATA_DIR", dataDir.toString());
    env.put("ANALYTICS_STAFF_TOKEN", STAFF_TOKEN);
    env.put("ANALYTICS_PARTNER_TOKEN", PARTNER_TOKEN);
    env.putAll(extraEnv);
    AnalyticsConfig config = ConfigLoader.load(env);
    AnalyticsServer server = AnalyticsServer.start(config).await();
    return new TestSystem(server, dataDir);
  }

  /** A system holding the golden data set, imported through the API; returns the import answer too. */
  public static TestSystem startWithGoldenData(Path dataDir) {
    TestSystem system = start(dataDir);
    system.goldenImport = system.importNdjson(com.clozette.analytics.golden.GoldenData.eventsNdjson());
    return system;
  }

  /** What importing the golden set answered, for systems started with it. */
  public JsonNode goldenImport() {
    return goldenImport;
  }

  /** config/analytics.yaml of this checkout: tests run the configuration operators get. */
  public static Path repositoryConfig() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve(ConfigLoader.DEFAULT_FILE))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no " + ConfigLoader.DEFAULT_FILE + " above " + Path.of("").toAbsolutePath());
    }
    return dir.resolve(ConfigLoader.DEFAULT_FILE);
  }

  public AnalyticsServer server() {
    return server;
  }

  public Path dataDir() {
    return dataDir;
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  public HttpResponse<String> get(String pathAndQuery, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  public HttpResponse<String> post(String pathAndQuery, String token, String contentType, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  /** Imports NDJSON as staff and returns the import answer. */
  public JsonNode importNdjson(byte[] ndjson) {
    HttpResponse<String> response = post("/api/v1/import", STAFF_TOKEN, "application/x-ndjson", ndjson);
    assertEquals(200, response.statusCode(), response.body());
    return json(response.body());
  }

  /** The staff report for a query string such as {@code site=...&from=...&to=...}. */
  public JsonNode report(String query) {
    HttpResponse<String> response = get("/api/v1/report?" + query, STAFF_TOKEN);
    assertEquals(200, response.statusCode(), response.body());
    return json(response.body());
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
