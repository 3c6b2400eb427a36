package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.enrich.UserAgentInfo;

/**
 * What the collector learns about a beacon from the request rather than from its events.
 *
 * @param receivedAt the collector's clock when the request arrived, epoch ms
 * @param userAgent the User-Agent header (cut to the stored length), or null
 * @param client what the user agent says: bot, device, browser, OS
 * @param ip the client's address, already anonymised, or null
 * @param doNotTrack whether the request carries {@code DNT: 1} or {@code Sec-GPC: 1}
 */
record RequestFacts(long receivedAt, String userAgent, UserAgentInfo client, String ip, boolean doNotTrack) {}
