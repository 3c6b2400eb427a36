package com.clozette.analytics.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk format of the event log.
 *
 * <pre>
 * Directory
 *   NNNNNNNNNNNNNNNNNNNN.log   segment files; the name is the segment's base number, zero-padded to 20 digits.
 *                              The first segment is 0; each rotation creates previous + 1. Segments are deleted
 *                              only from the oldest end, so the numbers present are contiguous.
 *   .lock                      empty file, locked (FileChannel.tryLock) by the process that has the log open.
 *   .next-segment              with preallocation: the next segment being prepared (zeros), renamed to its
 *                              segment name at rotation; deleted on open and close.
 *
 * Segment file: records back to back, no file header, no padding. The last (active) segment may go on with
 * zeros up to its file size (preallocated space, see EventLog); every other segment ends at its last record.
 *
 * Record:
 *   offset 0  int32 big-endian  length   payload length in bytes, 0..maxRecordBytes
 *   offset 4  int32 big-endian  crc      CRC32C over the 4 length bytes followed by the payload bytes
 *   offset 8  length bytes      payload  opaque (JSON in Clozette)
 * </pre>
 *
 * <p>The checksum covers the length too, so a corrupted length is detected, and an all-zero header (a zero-filled
 * tail after a power loss: length 0, crc 0) never checks out, because CRC32C of four zero bytes is not 0.
 *
 * <p>A record is valid iff its header is complete, {@code 0 <= length <= bytes left in the file - 8} and the
 * checksum matches. Only checksums are trusted: the first invalid record ends the valid part of a segment.
 */
final class RecordFormat {

    static final int HEADER_BYTES = 8;
    static final String SUFFIX = ".log";
    static final String NEXT_SEGMENT = ".next-segment";
    private static final int NAME_DIGITS = 20;

    private RecordFormat() {
    }

    static String fileName(long segment) {
        String digits = Long.toString(segment);
        return "0".repeat(NAME_DIGITS - digits.length()) + digits + SUFFIX;
    }

    static Path path(Path dir, long segment) {
        return dir.resolve(fileName(segment));
    }

    /** The segment number of a segment file name, or -1 if the name is not one. */
    static long parseFileName(String name) {
        if (name.length() != NAME_DIGITS + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < NAME_DIGITS; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(name, 0, NAME_DIGITS, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Checksum of a record: CRC32C over the big-endian length, then the payload. Resets {@code crc}. */
    static int checksum(CRC32C crc, byte[] payload, int offset, int length) {
        crc.reset();
        updateLength(crc, length);
        crc.update(payload, offset, length);
        return (int) crc.getValue();
    }

    static void updateLength(CRC32C crc, int length) {
        crc.update(length >>> 24);
        crc.update(length >>> 16);
        crc.update(length >>> 8);
        crc.update(length);
    }

    /** Outcome of {@link #scan}: the valid prefix of a segment and, if it stopped early, why. */
    record ScanResult(long validBytes, long records, String stopReason) {
    }

    /**
     * Reads a segment from the start and returns the length of its valid prefix: it stops at the first incomplete
     * or invalid record. Payloads are checksummed in window-sized chunks, so a corrupt length can not make it
     * allocate more than the window.
     */
    static ScanResult scan(FileChannel channel, long fileSize) throws IOException {
        ChannelWindow window = new ChannelWindow(1 << 20);
        CRC32C crc = new CRC32C();
        long pos = 0;
        long records = 0;
        while (true) {
            long left = fileSize - pos;
            if (left == 0) {
                return new ScanResult(pos, records, null);
            }
            if (left < HEADER_BYTES) {
                return new ScanResult(pos, records, "incomplete record header");
            }
            int at = window.ensure(channel, pos, HEADER_BYTES, fileSize);
            ByteBuffer buf = window.buffer();
            int length = buf.getInt(at);
            int stored = buf.getInt(at + 4);
            if (length < 0) {
                return new ScanResult(pos, records, "negative record length " + length);
            }
            if (length > left - HEADER_BYTES) {
                return new ScanResult(pos, records, "record length " + length + " runs past the end of the file");
            }
            crc.reset();
            updateLength(crc, length);
            long p = pos + HEADER_BYTES;
            long remaining = length;
            while (remaining > 0) {
                int chunk = (int) Math.min(remaining, window.capacity());
                int i = window.ensure(channel, p, chunk, fileSize);
                crc.update(window.buffer().array(), i, chunk);
                p += chunk;
                remaining -= chunk;
            }
            if ((int) crc.getValue() != stored) {
                return new ScanResult(pos, records, "checksum mismatch");
            }
            pos = p;
            records++;
        }
    }
}
