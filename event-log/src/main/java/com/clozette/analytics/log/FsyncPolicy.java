package com.clozette.analytics.log;

/**
 * When the log asks the operating system to put written bytes on stable storage.
 *
 * <p>In all three policies an append's future completes only after {@code write()} of its bytes to the segment file
 * has returned, i.e. the bytes are in the kernel's page cache. That alone survives the death of the process
 * (including {@code kill -9}); the policies differ only in what survives the death of the machine (power loss,
 * kernel panic).
 */
public enum FsyncPolicy {
    /**
     * {@code FileChannel.force(false)} after every group write, before any future of that group completes: a
     * completed append survives power loss. Concurrent appends share one write and one fsync (group commit).
     */
    ALWAYS,
    /**
     * A background thread fsyncs the active segment every {@link LogSettings#fsyncInterval()} if anything was
     * written since the last fsync: on power loss at most about one interval of completed appends can be lost.
     */
    INTERVAL,
    /** No fsync while running (only in {@link EventLog#close()}); the OS writes dirty pages back when it likes. */
    NEVER
}
