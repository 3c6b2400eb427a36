package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clozette.analytics.druid.Supervisors;
import com.clozette.analytics.kafka.SessionPageviewRow;
import com.clozette.analytics.kafka.SessionRow;
import com.clozette.analytics.server.config.AnalyticsConfig;
import com.clozette.analytics.server.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped Druid specs, filled in as the server fills them in: each configured datasource reads
 * its configured topic, and the row datasources ingest every field the stream processor writes.
 */
class DruidSpecsTest {
  @Test
  void eachDatasourceReadsItsTopicAndIngestsEveryFieldOfItsRows() throws Exception {
    AnalyticsConfig config = ConfigLoader.load(Map.of("ANALYTICS_CONFIG", TestSystem.repositoryConfig().toAbsolutePath().toString(),
        "ANALYTICS_STORE", "druid", "ANALYTICS_SINK", "kafka"));
    AnalyticsConfig.Kafka kafka = config.scaleOut().kafka();
    AnalyticsConfig.Druid druid = config.scaleOut().druid();
    List<JsonNode> specs = Supervisors.load(druid.specDir(), ScaleOut.specVariables(kafka, druid));

    Map<String, String> topicOfDatasource = new TreeMap<>();
    Map<String, List<String>> dimensions = new TreeMap<>();
    for (JsonNode spec : specs) {
      String datasource = spec.path("spec").path("dataSchema").path("dataSource").asText();
      topicOfDatasource.put(datasource, spec.path("spec").path("ioConfig").path("topic").asText());
      List<String> names = new ArrayList<>();
      spec.path("spec").path("dataSchema").path("dimensionsSpec").path("dimensions")
          .forEach(dimension -> names.add(dimension.isTextual() ? dimension.asText() : dimension.path("name").asText()));
      dimensions.put(datasource, names.stream().sorted().toList());
    }
    assertEquals(new TreeMap<>(Map.of(druid.eventsDatasource(), kafka.cleanTopic(), druid.sessionsDatasource(), kafka.sessionsTopic(),
        druid.pageviewsDatasource(), kafka.pageviewsTopic())), topicOfDatasource);
    assertEquals(fieldsButTs(SessionPageviewRow.class), dimensions.get(druid.pageviewsDatasource()));
    assertEquals(fieldsButTs(SessionRow.class).stream().filter(field -> !List.of("end", "events").contains(field)).toList(),
        dimensions.get(druid.sessionsDatasource()), "the session row's fields but its end and event count, which no report reads");
  }

  /** A row's JSON fields but {@code ts}, the timestamp column. */
  private static List<String> fieldsButTs(Class<? extends Record> row) {
    return Arrays.stream(row.getRecordComponents()).map(component -> component.getName()).filter(name -> !name.equals("ts")).sorted()
        .collect(Collectors.toList());
  }
}
