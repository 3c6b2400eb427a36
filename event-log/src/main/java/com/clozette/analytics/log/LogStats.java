package com.clozette.analytics.log;

/**
 * Counters of an {@link EventLog} since it was opened.
 *
 * @param appendedRecords         records whose append completed
 * @param appendedBytes           bytes those records take in segment files (payloads plus 8-byte headers)
 * @param groupWrites             completed group writes; with concurrent appenders much smaller than the number
 *                                of appends (group commit)
 * @param fsyncs                  fsyncs of segment files (group commits, background, rotation, close)
 * @param segments                segment files currently in the log
 * @param recoveredTruncatedBytes bytes dropped from the tail of the last segment when the log was opened; with
 *                                preallocation, the damaged bytes after the last valid record, not the free zeros
 *                                that follow the data
 */
public record LogStats(long appendedRecords, long appendedBytes, long groupWrites, long fsyncs, int segments,
                       long recoveredTruncatedBytes) {
}
