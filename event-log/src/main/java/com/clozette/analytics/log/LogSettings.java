package com.clozette.analytics.log;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link EventLog}.
 *
 * @param segmentBytes   a segment is rotated when the next record would make it larger than this; a single record
 *                       larger than this gets a segment of its own
 * @param fsyncPolicy    see {@link FsyncPolicy}
 * @param fsyncInterval  period of the background fsync under {@link FsyncPolicy#INTERVAL} (ignored otherwise)
 * @param retention      a released segment is deleted only once its last-modified time is older than this
 * @param maxRecordBytes largest accepted payload; larger ones are rejected by {@link EventLog#append}
 * @param preallocate    write each segment full of zeros (and fsync it) before appending to it, so that appends
 *                       overwrite allocated blocks in place and a group commit's fdatasync flushes data only,
 *                       without the journal commit a growing file needs; see {@link EventLog}
 */
public record LogSettings(long segmentBytes, FsyncPolicy fsyncPolicy, Duration fsyncInterval, Duration retention,
                          int maxRecordBytes, boolean preallocate) {

    /** Largest maxRecordBytes accepted: a record must fit a Java array together with its header. */
    public static final int MAX_RECORD_BYTES_LIMIT = Integer.MAX_VALUE - 64;

    public LogSettings {
        Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
        Objects.requireNonNull(fsyncInterval, "fsyncInterval");
        Objects.requireNonNull(retention, "retention");
        if (segmentBytes < RecordFormat.HEADER_BYTES + 1) {
            throw new IllegalArgumentException("segmentBytes must be at least " + (RecordFormat.HEADER_BYTES + 1)
                    + ": " + segmentBytes);
        }
        if (fsyncInterval.isNegative() || (fsyncPolicy == FsyncPolicy.INTERVAL && fsyncInterval.isZero())) {
            throw new IllegalArgumentException("fsyncInterval must be positive: " + fsyncInterval);
        }
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative: " + retention);
        }
        if (maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxRecordBytes out of range: " + maxRecordBytes);
        }
    }

    /**
     * 64 MiB preallocated segments, fsync {@link FsyncPolicy#ALWAYS} (interval 200 ms if switched), 7 days
     * retention, 1 MiB records.
     */
    public static LogSettings defaults() {
        return new LogSettings(64L << 20, FsyncPolicy.ALWAYS, Duration.ofMillis(200), Duration.ofDays(7), 1 << 20,
                true);
    }

    public LogSettings withSegmentBytes(long value) {
        return new LogSettings(value, fsyncPolicy, fsyncInterval, retention, maxRecordBytes, preallocate);
    }

    public LogSettings withFsyncPolicy(FsyncPolicy value) {
        return new LogSettings(segmentBytes, value, fsyncInterval, retention, maxRecordBytes, preallocate);
    }

    public LogSettings withFsyncInterval(Duration value) {
        return new LogSettings(segmentBytes, fsyncPolicy, value, retention, maxRecordBytes, preallocate);
    }

    public LogSettings withRetention(Duration value) {
        return new LogSettings(segmentBytes, fsyncPolicy, fsyncInterval, value, maxRecordBytes, preallocate);
    }

    public LogSettings withMaxRecordBytes(int value) {
        return new LogSettings(segmentBytes, fsyncPolicy, fsyncInterval, retention, value, preallocate);
    }

    public LogSettings withPreallocate(boolean value) {
        return new LogSettings(segmentBytes, fsyncPolicy, fsyncInterval, retention, maxRecordBytes, value);
    }
}
