package com.clozette.analytics.collector.ingest;

import java.util.List;

/**
 * What became of the events of one request once the sink acknowledged the accepted ones.
 *
 * @param accepted events stored
 * @param problems events refused, by index
 * @param newVisitorId an id the collector minted and gave to a stored event, to be set as the
 *     visitor cookie; null when no such event was stored
 */
record Outcome(int accepted, List<Problem> problems, String newVisitorId) {}
