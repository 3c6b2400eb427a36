package com.clozette.analytics.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read buffer over a file: holds the bytes {@code [start, start + limit)} of the file and refills with one
 * positional read when asked for bytes outside that. Never reads at or past the limit it is given, so it never
 * caches bytes beyond what the caller knows to be complete.
 */
final class ChannelWindow {

    private ByteBuffer buffer;
    private long start;

    ChannelWindow(int capacity) {
        this.buffer = ByteBuffer.allocate(capacity);
        this.buffer.limit(0);
    }

    ByteBuffer buffer() {
        return buffer;
    }

    int capacity() {
        return buffer.capacity();
    }

    void invalidate() {
        buffer.limit(0);
        start = 0;
    }

    /**
     * Makes the file bytes {@code [pos, pos + n)} available and returns the index in {@link #buffer()} where they
     * start. The caller guarantees {@code pos + n <= limit}; the window grows if {@code n} exceeds its capacity.
     */
    int ensure(FileChannel channel, long pos, int n, long limit) throws IOException {
        if (pos >= start && pos + n <= start + buffer.limit()) {
            return (int) (pos - start);
        }
        if (n > buffer.capacity()) {
            buffer = ByteBuffer.allocate((int) Math.min((long) n * 2, Integer.MAX_VALUE - 16L));
        }
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), limit - pos));
        start = pos;
        while (buffer.position() < n) {
            int read = channel.read(buffer, pos + buffer.position());
            if (read < 0) {
                buffer.limit(0);
                throw new EOFException("unexpected end of segment at " + (pos + buffer.position()));
            }
            if (!buffer.hasRemaining()) {
                break;
            }
        }
        buffer.flip();
        return 0;
    }
}
