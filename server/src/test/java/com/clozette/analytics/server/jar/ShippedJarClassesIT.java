package com.clozette.analytics.server.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every class our code refers to is in the shipped jar. A dependency declared {@code test}-scoped in
 * server/pom.xml wins over a module's compile scope and silently leaves the library out of the jar
 * while every test (on the test classpath) passes: twice so far (vertx-web-client, then commons-csv,
 * whose absence made every CSV export answer 500). jdeps, given only the jar, names each reference
 * from a {@code com.clozette} class to a class the jar does not hold.
 */
class ShippedJarClassesIT {
  @Test
  void everyClassOurCodeNeedsIsInTheShippedJar() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = jdeps.run(new PrintWriter(out), new PrintWriter(err),
        "--multi-release", "base", "-verbose:class", "-include", "com\\.clozette\\..*", ShippedJar.path().toString());
    assertEquals(0, exit, "jdeps failed: " + err);

    List<String> missing = out.toString().lines()
        .filter(line -> line.trim().startsWith("com.clozette.") && line.endsWith("not found"))
        .map(String::trim)
        .toList();
    assertTrue(out.toString().contains("com.clozette.analytics.server.Main"), "jdeps did not analyse our classes:\n" + out);
    assertTrue(missing.isEmpty(), "classes our code uses are missing from " + ShippedJar.path()
        + " (a test-scoped dependency in server/pom.xml?):\n" + String.join("\n", missing));
  }
}
