package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI description lists exactly the routes the server has, method by method. */
class OpenApiSyncTest {
  @TempDir Path dataDir;

  @Test
  void openApiDescribesEveryRouteAndNothingElse() throws Exception {
    try (TestSystem system = TestSystem.start(dataDir)) {
      var response = system.get("/api/v1/openapi.yaml", null);
      assertEquals(200, response.statusCode());
      JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(response.body());

      Set<String> documented = new TreeSet<>();
      document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
          .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

      Set<String> routed = new TreeSet<>();
      for (Route route : system.server().router().getRoutes()) {
        String path = route.getPath();
        if (path == null || route.methods() == null || route.methods().isEmpty()) {
          continue;
        }
        for (HttpMethod method : route.methods()) {
          routed.add(method.name() + " " + (route.isExactPath() ? path : path + "*"));
        }
      }
      assertEquals(routed, documented);
    }
  }
}
