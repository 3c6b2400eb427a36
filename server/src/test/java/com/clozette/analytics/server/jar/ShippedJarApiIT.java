package com.clozette.analytics.server.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.clozette.analytics.golden.GoldenData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar answers every operation its own {@code openapi.yaml} describes, as documented:
 * each operation, each value of each enumerated parameter (every export format, every breakdown),
 * without a token, as staff and as partner, over the golden set imported through the API. Each answer
 * must have a status the document lists for the operation, the content type it lists for that status,
 * a body of that type, and never a 5xx. Which roles may call an operation is the document's
 * {@code x-roles}; a role not listed must get 403, no token 401.
 */
class ShippedJarApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STAFF = UUID.randomUUID().toString();
  private static final String PARTNER = UUID.randomUUID().toString();
  private static final String SITE = "clozette-id";
  private static final String ORIGIN = "https://www.clozette.co.id";
  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

  /** A valid value for each parameter without an enumeration, by name (whole golden days for ranges). */
  private static final Map<String, String> VALUES = Map.of(
      "site", SITE,
      "from", "2026-11-02",
      "to", "2026-11-09",
      "url", "https://www.clozette.co.id/looks/1");

  @TempDir static Path dataDir;
  private static ShippedJar jar;
  private static JsonNode document;

  @BeforeAll
  static void startTheJarWithTheGoldenSetImported() throws Exception {
    jar = ShippedJar.start(dataDir, "api", Map.of("ANALYTICS_STAFF_TOKEN", STAFF, "ANALYTICS_PARTNER_TOKEN", PARTNER),
        ShippedJar.README_JVM_OPTIONS);
    HttpResponse<String> imported = send(HttpRequest.newBuilder(URI.create(jar.base() + "/api/v1/import"))
        .header("Authorization", "Bearer " + STAFF).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofByteArray(GoldenData.eventsNdjson())));
    assertEquals(200, imported.statusCode(), imported.body());
    assertEquals(GoldenData.expected().get("import").get("accepted").asLong(), JSON.readTree(imported.body()).get("accepted").asLong());

    HttpResponse<String> described = send(HttpRequest.newBuilder(URI.create(jar.base() + "/api/v1/openapi.yaml")));
    assertEquals(200, described.statusCode());
    document = new ObjectMapper(new YAMLFactory()).readTree(described.body());
  }

  @AfterAll
  static void stop() throws Exception {
    if (jar != null) {
      jar.close();
    }
  }

  @Test
  void everyDocumentedOperationAnswersAsDocumentedForEveryCaller() throws Exception {
    List<String> failures = new ArrayList<>();
    Set<String> called = new TreeSet<>();
    var paths = document.get("paths").fields();
    while (paths.hasNext()) {
      var path = paths.next();
      var operations = path.getValue().fields();
      while (operations.hasNext()) {
        var operation = operations.next();
        String method = operation.getKey().toUpperCase(Locale.ROOT);
        for (Map<String, String> query : queries(path.getKey(), operation.getValue())) {
          for (Caller caller : callers(operation.getValue())) {
            String call = method + " " + path.getKey() + " " + query + " as " + caller.name;
            called.add(method + " " + path.getKey());
            try {
              HttpResponse<byte[]> response = call(method, path.getKey(), query, caller.token);
              check(operation.getValue(), query, caller, response).ifPresent(problem -> failures.add(call + ": " + problem));
            } catch (Exception e) {
              failures.add(call + ": " + e);
            }
          }
        }
      }
    }
    assertTrue(called.size() >= 16, "too few operations were called: " + called);
    assertTrue(failures.isEmpty(), failures.size() + " calls did not answer as documented:\n" + String.join("\n", failures)
        + "\n--- server log ---\n" + tail(jar.log()));
  }

  /** Who calls: anyone for a public operation; else no token, staff and partner, each with the status it must get. */
  private record Caller(String name, String token, boolean allowed) {}

  private static List<Caller> callers(JsonNode operation) {
    if (!operation.has("security")) {
      return List.of(new Caller("anyone", null, true));
    }
    JsonNode roles = operation.get("x-roles");
    if (roles == null || !roles.isArray() || roles.isEmpty()) {
      throw new AssertionError("a secured operation must list its x-roles (staff, partner): " + operation);
    }
    Set<String> allowed = new TreeSet<>();
    roles.forEach(role -> allowed.add(role.asText()));
    return List.of(new Caller("no token", null, false), new Caller("staff", STAFF, allowed.contains("staff")),
        new Caller("partner", PARTNER, allowed.contains("partner")));
  }

  /** One query per combination of the enumerated parameters' values; the others from {@link #VALUES} when required. */
  private static List<Map<String, String>> queries(String path, JsonNode operation) {
    List<Map<String, String>> queries = new ArrayList<>(List.of(new LinkedHashMap<>()));
    for (JsonNode parameter : operation.path("parameters")) {
      JsonNode resolved = resolve(parameter);
      if (!"query".equals(resolved.path("in").asText())) {
        continue;
      }
      String name = resolved.get("name").asText();
      List<String> values = new ArrayList<>();
      resolved.path("schema").path("enum").forEach(value -> values.add(value.asText()));
      if (values.isEmpty() && VALUES.containsKey(name)) {
        values.add(VALUES.get(name));
      }
      if (values.isEmpty()) {
        if (resolved.path("required").asBoolean()) {
          throw new AssertionError("no test value for the required parameter " + name + " of " + path + ": add one to VALUES");
        }
        continue;
      }
      List<Map<String, String>> expanded = new ArrayList<>();
      for (Map<String, String> query : queries) {
        for (String value : values) {
          Map<String, String> with = new LinkedHashMap<>(query);
          with.put(name, value);
          expanded.add(with);
        }
      }
      queries = expanded;
    }
    return queries;
  }

  private static HttpResponse<byte[]> call(String method, String path, Map<String, String> query, String token) throws Exception {
    StringBuilder uri = new StringBuilder(jar.base()).append(path.replace("*", ""));
    String separator = "?";
    for (Map.Entry<String, String> parameter : query.entrySet()) {
      uri.append(separator).append(parameter.getKey()).append('=').append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = "&";
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString())).header("User-Agent", BROWSER);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    switch (method + " " + path) {
      case "POST /collect" -> request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
          "{\"site\":\"" + SITE + "\",\"url\":\"https://www.clozette.co.id/looks/1\",\"vid\":\"" + UUID.randomUUID() + "\"}"));
      case "OPTIONS /collect" -> request.header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
      case "POST /api/v1/import" -> request.header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(
          "{\"id\":\"" + UUID.randomUUID() + "\",\"site\":\"" + SITE + "\",\"type\":\"pageview\",\"ts\":1793573246047,"
              + "\"vid\":\"v1\",\"url\":\"https://www.clozette.co.id/\"}\n"));
      case "POST /api/v2/query" -> request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
          document.at("/paths/~1api~1v2~1query/post/requestBody/content/application~1json/example").toString()));
      default -> {
        if (method.equals("GET")) {
          request.GET();
        } else {
          request.method(method, HttpRequest.BodyPublishers.noBody());
        }
      }
    }
    return ShippedJar.HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** What is wrong with an answer, if anything. */
  private static java.util.Optional<String> check(JsonNode operation, Map<String, String> query, Caller caller, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (status >= 500) {
      return java.util.Optional.of("answered " + status + ": " + abbreviate(body));
    }
    int expected = caller.token == null && !caller.allowed ? 401 : caller.allowed ? 200 : 403;
    boolean success = status >= 200 && status < 300;
    if (caller.allowed ? !success && status != 304 : status != expected) {
      return java.util.Optional.of("answered " + status + " where " + (caller.allowed ? "2xx" : expected) + " was due: " + abbreviate(body));
    }
    JsonNode documented = resolveResponse(operation.path("responses").path(Integer.toString(status)));
    if (documented.isMissingNode()) {
      return java.util.Optional.of("answered " + status + ", which the document does not list");
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim().toLowerCase(Locale.ROOT);
    JsonNode content = documented.path("content");
    if (response.body().length > 0 && !content.isObject()) {
      return java.util.Optional.of("answered a body of " + contentType + " for status " + status + ", whose content the document does not describe");
    }
    if (content.isObject() && response.body().length > 0) {
      if (!content.has(contentType)) {
        return java.util.Optional.of("answered " + contentType + " where the document lists " + fieldNames(content));
      }
      String format = query.get("format");
      if (format != null && success && !contentType.endsWith("/" + format)) {
        return java.util.Optional.of("format=" + format + " answered " + contentType);
      }
      return wellFormed(contentType, response.body());
    }
    return java.util.Optional.empty();
  }

  private static java.util.Optional<String> wellFormed(String contentType, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      switch (contentType) {
        case "application/json" -> JSON.readTree(body);
        case "text/csv" -> {
          if (!text.startsWith("format_version,")) {
            return java.util.Optional.of("a CSV without its header row: " + abbreviate(text));
          }
        }
        case "image/gif" -> {
          if (!text.startsWith("GIF89a")) {
            return java.util.Optional.of("not a GIF");
          }
        }
        case "application/yaml" -> new ObjectMapper(new YAMLFactory()).readTree(body);
        default -> {
          if (body.length == 0) {
            return java.util.Optional.of("an empty " + contentType);
          }
        }
      }
    } catch (java.io.IOException e) {
      return java.util.Optional.of("a malformed " + contentType + ": " + e.getMessage());
    }
    return java.util.Optional.empty();
  }

  private static JsonNode resolve(JsonNode node) {
    if (!node.has("$ref")) {
      return node;
    }
    JsonNode target = document;
    for (String part : node.get("$ref").asText().substring(2).split("/")) {
      target = target.path(part);
    }
    return target;
  }

  private static JsonNode resolveResponse(JsonNode response) {
    return response.isMissingNode() ? response : resolve(response);
  }

  private static String fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names.toString();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return ShippedJar.HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static String tail(String log) {
    return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
  }
}
