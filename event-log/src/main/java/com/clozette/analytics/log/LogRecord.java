package com.clozette.analytics.log;

/**
 * One record read from the log.
 *
 * @param position where the record starts
 * @param next     where the record after it starts: the position to commit once this record is consumed
 * @param payload  the bytes given to {@link EventLog#append}; owned by the caller
 */
public record LogRecord(LogPosition position, LogPosition next, byte[] payload) {
}
