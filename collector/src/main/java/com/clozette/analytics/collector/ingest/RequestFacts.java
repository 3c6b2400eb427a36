package com.clozette.analytics.collector.ingest;

/**
 * What the collector learns about a beacon from the request rather than from its events.
 *
 * @param receivedAt the collector's clock when the request arrived, epoch ms
 * @param userAgent the User-Agent header (cut to the stored length), or null; stored raw and
 *     classified where events enter a store, never here: a parse of a new user agent costs milliseconds
 * @param ip the client's address, already anonymised, or null
 * @param doNotTrack whether the request carries {@code DNT: 1} or {@code Sec-GPC: 1}
 */
record RequestFacts(long receivedAt, String userAgent, String ip, boolean doNotTrack) {}
