package com.clozette.analytics.log;

/**
 * A place in the log: {@code segment} is the base number of a segment file, {@code offset} the byte offset within it
 * of the next record to read. Positions order by segment, then offset.
 *
 * <p>The position just after the last record of a segment, {@code (s, sizeOf(s))}, and the start of the next one,
 * {@code (s + 1, 0)}, denote the same place in the record sequence; readers accept either.
 */
public record LogPosition(long segment, long offset) implements Comparable<LogPosition> {

    /** The very beginning of a log. */
    public static final LogPosition START = new LogPosition(0, 0);

    public LogPosition {
        if (segment < 0 || offset < 0) {
            throw new IllegalArgumentException("negative position: " + segment + "/" + offset);
        }
    }

    @Override
    public int compareTo(LogPosition other) {
        int c = Long.compare(segment, other.segment);
        return c != 0 ? c : Long.compare(offset, other.offset);
    }

    @Override
    public String toString() {
        return segment + "/" + offset;
    }
}
