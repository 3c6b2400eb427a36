package com.clozette.analytics.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

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

    /**
     * The position after the last non-zero byte in {@code [from, to)} of the file, or {@code from} if all are 0.
     * Reads the whole range (a preallocated segment's free space on every open), comparing whole chunks with a
     * zero array first, which the JDK vectorises.
     */
    static long endOfNonZero(FileChannel channel, long from, long to) throws IOException {
        int capacity = (int) Math.min(CHUNK_BYTES, Math.max(1, to - from));
        ByteBuffer buf = ByteBuffer.allocate(capacity);
        byte[] zeros = new byte[capacity];
        long end = from;
        long pos = from;
        while (pos < to) {
            buf.clear().limit((int) Math.min(capacity, to - pos));
            int read = channel.read(buf, pos);
            if (read < 0) {
                break;
            }
            byte[] bytes = buf.array();
            if (Arrays.mismatch(bytes, 0, read, zeros, 0, read) >= 0) {
                int i = read - 1;
                while (bytes[i] == 0) {
                    i--;
                }
                end = pos + i + 1;
            }
            pos += read;
        }
        return end;
    }
}
