package com.clozette.analytics.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads records up to the log's committed end, never past it: bytes beyond it may belong to a group whose futures
 * have not completed. A segment older than the committed end's segment is sealed, so it is read to its file size.
 */
final class SegmentedLogReader implements LogReader {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLogReader.class);

    private final EventLog log;
    private final ChannelWindow window = new ChannelWindow(256 * 1024);
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    private long segment;
    /** File size of the current segment once it is known to be sealed, else -1. */
    private long sealedSize = -1;
    /** Position of the next record; the same object is handed out as one record's next and the next's position. */
    private LogPosition position;
    private volatile boolean closed;

    SegmentedLogReader(EventLog log, LogPosition start, FileChannel channel) {
        this.log = log;
        this.channel = channel;
        this.segment = start.segment();
        this.position = start;
    }

    @Override
    public LogPosition position() {
        return position;
    }

    @Override
    public List<LogRecord> poll(int maxRecords, Duration maxWait) throws IOException, InterruptedException {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be positive: " + maxRecords);
        }
        if (closed) {
            throw new IllegalStateException("reader is closed");
        }
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        while (true) {
            List<LogRecord> records;
            try {
                records = readAvailable(maxRecords);
            } catch (ClosedChannelException e) {
                if (closed) {
                    return List.of();
                }
                throw e;
            }
            if (!records.isEmpty() || log.isClosed()) {
                return records;
            }
            if (!log.awaitEndAfter(position, deadline, () -> closed) || closed) {
                return records;
            }
        }
    }

    private List<LogRecord> readAvailable(int maxRecords) throws IOException {
        LogPosition end = log.end();
        List<LogRecord> out = null;
        long offset = position.offset();
        while (out == null || out.size() < maxRecords) {
            long limit;
            if (segment < end.segment()) {
                if (sealedSize < 0) {
                    sealedSize = channel.size();
                }
                limit = sealedSize;
                if (offset >= limit) {
                    if (!nextSegment()) {
                        break;
                    }
                    offset = 0;
                    continue;
                }
            } else if (segment == end.segment()) {
                limit = end.offset();
                if (offset >= limit) {
                    break;
                }
            } else {
                break;
            }
            long available = limit - offset;
            String corruption = null;
            int length = -1;
            int at = -1;
            if (available < RecordFormat.HEADER_BYTES) {
                corruption = "incomplete record header";
            } else {
                at = window.ensure(channel, offset, RecordFormat.HEADER_BYTES, limit);
                length = window.buffer().getInt(at);
                if (length < 0 || length > available - RecordFormat.HEADER_BYTES) {
                    corruption = "invalid record length " + length;
                } else {
                    at = window.ensure(channel, offset, RecordFormat.HEADER_BYTES + length, limit);
                    ByteBuffer buf = window.buffer();
                    int stored = buf.getInt(at + 4);
                    if (RecordFormat.checksum(crc, buf.array(), at + RecordFormat.HEADER_BYTES, length) != stored) {
                        corruption = "checksum mismatch";
                    }
                }
            }
            if (corruption != null) {
                if (segment < end.segment()) {
                    LOG.warn("Event log {}: corrupt record in sealed segment {} at offset {} ({}); skipping the "
                                    + "remaining {} bytes of that segment",
                            log.directory(), RecordFormat.fileName(segment), offset, corruption, limit - offset);
                    if (!nextSegment()) {
                        break;
                    }
                    offset = 0;
                    continue;
                }
                throw new IOException("corrupt record in active segment " + RecordFormat.fileName(segment)
                        + " of " + log.directory() + " at offset " + offset + ": " + corruption);
            }
            int from = at + RecordFormat.HEADER_BYTES;
            byte[] payload = Arrays.copyOfRange(window.buffer().array(), from, from + length);
            offset += RecordFormat.HEADER_BYTES + length;
            LogPosition next = new LogPosition(segment, offset);
            if (out == null) {
                out = new ArrayList<>(Math.min(maxRecords, 256));
            }
            out.add(new LogRecord(position, next, payload));
            position = next;
        }
        return out == null ? List.of() : out;
    }

    /** Moves to the start of the next existing segment; false if there is none. */
    private boolean nextSegment() throws IOException {
        Long next = log.segmentAfter(segment);
        while (next != null) {
            FileChannel opened;
            try {
                opened = log.openSegment(next);
            } catch (NoSuchFileException e) {
                next = log.segmentAfter(next);
                continue;
            }
            if (next != segment + 1) {
                LOG.warn("Event log {}: segments {} to {} no longer exist; reader continues at segment {}",
                        log.directory(), segment + 1, next - 1, next);
            }
            FileChannel old = channel;
            channel = opened;
            segment = next;
            sealedSize = -1;
            window.invalidate();
            position = new LogPosition(next, 0);
            try {
                old.close();
            } catch (IOException e) {
                LOG.debug("close failed", e);
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("close failed", e);
        }
        log.signalReaders();
    }
}
