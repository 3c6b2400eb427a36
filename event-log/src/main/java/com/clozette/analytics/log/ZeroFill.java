package com.clozette.analytics.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Zero bytes in segment files: writing them (preallocation, and wiping a damaged tail so no stale record can be
 * read back after later appends end short of it) and finding where a tail of zeros begins.
 */
final class ZeroFill {

    private static final int CHUNK_BYTES = 1 << 20;

    private ZeroFill() {
    }

    /**
     * Writes zeros over {@code [from, to)} of the file, extending it if {@code to} is past its end. Real zeros, not
     * a hole or an unwritten extent: later overwrites in place then change neither the file's size nor its block
     * map, so their fdatasync has no metadata to commit.
     */
    static void write(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, Math.max(1, to - from)));
        long pos = from;
        while (pos < to) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
            while (zeros.hasRemaining()) {
                pos += channel.write(zeros, pos);
            }
        }
    }

    /** The position after the last non-zero byte in {@code [from, to)} of the file, or {@code from} if all are 0. */
    static long endOfNonZero(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1, to - from)));
        long end = from;
        long pos = from;
        while (pos < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
            int read = channel.read(buf, pos);
            if (read < 0) {
                break;
            }
            byte[] bytes = buf.array();
            for (int i = read - 1; i >= 0; i--) {
                if (bytes[i] != 0) {
                    end = pos + i + 1;
                    break;
                }
            }
            pos += read;
        }
        return end;
    }
}
