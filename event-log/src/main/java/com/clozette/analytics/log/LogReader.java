package com.clozette.analytics.log;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A cursor over the log, opened by {@link EventLog#openReader}. It returns records in log order, crossing segment
 * boundaries transparently, and only up to the log's committed end: records whose group write has finished (and was
 * fsynced, under {@link FsyncPolicy#ALWAYS}), whose futures are then completed normally. It never sees a group that
 * is still being written or that failed. Meant for one consuming thread; {@link #close()} may be
 * called from any thread and wakes a waiting {@link #poll}.
 */
public interface LogReader extends AutoCloseable {

    /**
     * Returns the next records, at most {@code maxRecords}, as soon as at least one is available; or an empty list
     * once {@code maxWait} has passed without one. A waiting poll is woken by the writer when an append completes,
     * not by sleeping. After the log is closed, returns what remains and then empty lists without waiting.
     *
     * @throws IOException on a read error, or on a corrupt record in the active segment (corruption in an older,
     *                     sealed segment is logged and the rest of that segment skipped)
     */
    List<LogRecord> poll(int maxRecords, Duration maxWait) throws IOException, InterruptedException;

    /** The position of the next record this reader will return. */
    LogPosition position();

    @Override
    void close();
}
