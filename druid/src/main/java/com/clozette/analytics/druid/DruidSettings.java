package com.clozette.analytics.druid;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where Druid is and what it ingests.
 *
 * @param sqlUrl base URL of a broker or router: reports go to {@code /druid/v2/sql}
 * @param overlordUrl base URL of the overlord (or coordinator-as-overlord): supervisors go to {@code /druid/indexer/v1/supervisor}
 * @param specDir the folder of Kafka supervisor specs, {@code *.json}, submitted at start when missing
 * @param eventsDatasource the rolled-up events datasource the reports read pageviews and visitors from
 * @param sessionsDatasource the datasource of signed session rows
 * @param pageviewsDatasource the datasource of signed session pageview rows (the query API reads it)
 * @param specVariables what {@code ${NAME}} in a spec stands for (Kafka bootstrap, topic and datasource names)
 * @param queryTimeout the longest a report waits for Druid
 */
public record DruidSettings(
    String sqlUrl,
    String overlordUrl,
    Path specDir,
    String eventsDatasource,
    String sessionsDatasource,
    String pageviewsDatasource,
    Map<String, String> specVariables,
    Duration queryTimeout) {}
