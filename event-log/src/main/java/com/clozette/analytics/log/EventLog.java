package com.clozette.analytics.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, segmented, append-only log of opaque records: the collector's point of acknowledgement.
 *
 * <h2>Writing: group commit</h2>
 * {@link #append} puts the payloads on a queue and returns a future. One writer thread takes everything queued at
 * once (a <em>group</em>), copies it into one buffer, writes it with one {@code write()} (more only if the group
 * exceeds the 1 MiB buffer), fsyncs once if the policy is {@link FsyncPolicy#ALWAYS}, and only then completes the
 * futures of the whole group. The queue lock is held only to enqueue and to take the queue, never across IO.
 *
 * <h2>Durability guarantee</h2>
 * An append's future completes normally only after its records have been written to the segment file (see
 * {@link #writeGroup}). So a completed append survives the death of the process, even {@code kill -9} right after,
 * under every policy; it also survives power loss under {@link FsyncPolicy#ALWAYS}. Records whose future did not
 * complete (or failed) may or may not be in the log after a crash: delivery is at-least-once and the consumer
 * should de-duplicate by event id. The list of one append is never split across futures, but after a crash a
 * torn tail can keep a prefix of an unacknowledged list.
 *
 * <h2>Preallocation</h2>
 * With {@link LogSettings#preallocate()} (the default) the active segment is written full of zeros up to
 * {@link LogSettings#segmentBytes()} and fsynced before records go into it; appends then overwrite zeros in place.
 * A growing file makes every fdatasync commit its new size and blocks to the filesystem journal as well; in place,
 * fdatasync flushes the data alone, which is what makes {@link FsyncPolicy#ALWAYS} cheap. The next segment is
 * prepared the same way by a background thread (as {@code .next-segment}) once the active one is half
 * full, and renamed into place at rotation, so the writer does not wait for it. So the file size of the active
 * segment is not the end of its data: {@link #end()} is, and nothing else is trusted.
 *
 * <h2>Recovery</h2>
 * {@link #open} scans the last segment up to its last valid record (a torn write, zero-filled or garbage tail, a
 * bad checksum end it). Without preallocation it truncates the segment there. With it, it wipes the damaged bytes
 * after that record with zeros (so that no stale record can be read back once later appends end short of it)
 * and fills the segment with zeros up to {@code segmentBytes} (a segment written without preallocation, by an
 * older version, is extended). Either way it logs at WARN how many bytes were dropped (with preallocation, the
 * free zeros after the data are not counted). Older segments are not scanned on open: they were sealed (truncated
 * to their data and, unless {@link FsyncPolicy#NEVER}, fsynced) at rotation. If a reader meets a corrupt record
 * in an older segment, it logs a WARN and continues with the next segment, i.e. the rest of that segment is lost.
 *
 * <h2>Segments and retention</h2>
 * A new segment, numbered previous + 1, is started when the next record would make the active one larger than
 * {@link LogSettings#segmentBytes()}. {@link #release} deletes segments, oldest first, that lie wholly before the
 * released position and whose last-modified time is older than the retention; it stops at the first one that is
 * not eligible (so no holes appear), and never deletes the active segment.
 *
 * <p>Future callbacks attached with the non-async methods of {@link CompletableFuture} run on the writer thread:
 * keep them short (hand the work to another thread) or the next group waits.
 */
public final class EventLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private static final int WRITE_BUFFER_BYTES = 1 << 20;
    private static final long CLOSE_TIMEOUT_MILLIS = 10_000;

    private final Path dir;
    private final LogSettings settings;
    private final FileChannel lockChannel;
    private final FileLock dirLock;
    /** Segment numbers present, ascending. Added by the writer before a position in it is published. */
    private final ConcurrentSkipListSet<Long> segments;
    private final long recoveredTruncatedBytes;

    // ---- appenders -> writer ----
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queueNotEmpty = queueLock.newCondition();
    /** Guarded by queueLock. The writer swaps it with its own empty list to take a whole group. */
    private ArrayList<Pending> queue = new ArrayList<>();
    /** Guarded by queueLock. */
    private boolean closing;
    /** Guarded by queueLock; once set, every append fails. */
    private Throwable failure;
    /** The group the writer is working on, so that a close that times out can fail it. */
    private volatile List<Pending> inFlight = List.of();

    // ---- writer thread state (only the writer touches these, except where volatile) ----
    private final Thread writer;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final CRC32C writeCrc = new CRC32C();
    private volatile FileChannel activeChannel;
    private volatile long activeSegment;
    private long activeSize;
    /** Set by the writer after writes under INTERVAL; cleared by the background fsync before it forces. */
    private volatile boolean dirty;
    private final ScheduledExecutorService fsyncTimer;
    /** Prepares the next segment under preallocation; null without it. */
    private final ExecutorService preallocator;
    /** The preparation of the next segment, once started (writer only); null before. */
    private CompletableFuture<Void> nextSegment;

    // ---- writer -> readers ----
    private volatile LogPosition committedEnd;
    private final ReentrantLock endLock = new ReentrantLock();
    private final Condition endAdvanced = endLock.newCondition();
    private volatile boolean closed;

    // ---- retention ----
    private final Object retentionLock = new Object();
    private LogPosition released = LogPosition.START;

    // ---- stats ----
    private final AtomicLong appendedRecords = new AtomicLong();
    private final AtomicLong appendedBytes = new AtomicLong();
    private final AtomicLong groupWrites = new AtomicLong();
    private final AtomicLong fsyncs = new AtomicLong();

    /** One call to append: its payloads, its future, and (set by the writer) the position after its last record. */
    private static final class Pending {
        final byte[][] payloads;
        final CompletableFuture<LogPosition> future = new CompletableFuture<>();
        LogPosition end;

        Pending(byte[][] payloads) {
            this.payloads = payloads;
        }
    }

    private EventLog(Path dir, LogSettings settings, FileChannel lockChannel, FileLock dirLock,
                     TreeSet<Long> segments, FileChannel active, long activeSegment, long activeSize,
                     long recoveredTruncatedBytes) {
        this.dir = dir;
        this.settings = settings;
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
        this.segments = new ConcurrentSkipListSet<>(segments);
        this.activeChannel = active;
        this.activeSegment = activeSegment;
        this.activeSize = activeSize;
        this.recoveredTruncatedBytes = recoveredTruncatedBytes;
        this.committedEnd = new LogPosition(activeSegment, activeSize);
        this.writer = new Thread(this::writerLoop, "event-log-writer");
        this.writer.setDaemon(true);
        if (settings.fsyncPolicy() == FsyncPolicy.INTERVAL) {
            this.fsyncTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "event-log-fsync");
                t.setDaemon(true);
                return t;
            });
            long nanos = settings.fsyncInterval().toNanos();
            fsyncTimer.scheduleWithFixedDelay(this::backgroundFsync, nanos, nanos, TimeUnit.NANOSECONDS);
        } else {
            this.fsyncTimer = null;
        }
        this.preallocator = settings.preallocate() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "event-log-preallocate");
            t.setDaemon(true);
            return t;
        }) : null;
        this.writer.start();
    }

    /**
     * Opens (creating {@code dir} if needed) the log in {@code dir} and recovers it: the last segment ends after its
     * last valid record (see Recovery above). Only one {@code EventLog} may have a directory open at a time (a lock
     * file enforces it across processes).
     */
    public static EventLog open(Path dir, LogSettings settings) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileChannel active = null;
        try {
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("event log " + dir + " is already open (locked by another EventLog)");
            }
            TreeSet<Long> found = listSegments(dir);
            boolean created = false;
            if (found.isEmpty()) {
                found.add(0L);
                created = true;
            }
            long last = found.last();
            Path lastPath = RecordFormat.path(dir, last);
            active = FileChannel.open(lastPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (created) {
                fsyncDirectory(dir);
            }
            // A next segment prepared before a crash or close is redone when needed: it may be incomplete.
            Files.deleteIfExists(dir.resolve(RecordFormat.NEXT_SEGMENT));
            long size = active.size();
            RecordFormat.ScanResult scan = RecordFormat.scan(active, size);
            long valid = scan.validBytes();
            long dropped = settings.preallocate() ? ZeroFill.endOfNonZero(active, valid, size) - valid : size - valid;
            if (dropped > 0) {
                LOG.warn("Recovered event log {}: segment {} ends at offset {} ({}), dropping {} bytes after {} valid "
                                + "records",
                        dir, lastPath.getFileName(), valid, scan.stopReason(), dropped, scan.records());
            }
            if (settings.preallocate()) {
                if (dropped > 0) {
                    ZeroFill.write(active, valid, valid + dropped);
                }
                if (size < settings.segmentBytes()) {
                    ZeroFill.write(active, size, settings.segmentBytes());
                }
                if (dropped > 0 || size < settings.segmentBytes()) {
                    active.force(true);
                }
            } else if (dropped > 0) {
                active.truncate(valid);
                active.force(true);
            }
            active.position(valid);
            return new EventLog(dir, settings, lockChannel, lock, found, active, last, valid, dropped);
        } catch (IOException | RuntimeException | Error e) {
            if (active != null) {
                closeQuietly(active, e);
            }
            closeQuietly(lockChannel, e);
            throw e;
        }
    }

    private static TreeSet<Long> listSegments(Path dir) throws IOException {
        TreeSet<Long> result = new TreeSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + RecordFormat.SUFFIX)) {
            for (Path p : stream) {
                long n = RecordFormat.parseFileName(p.getFileName().toString());
                if (n >= 0 && Files.isRegularFile(p)) {
                    result.add(n);
                }
            }
        }
        return result;
    }

    public Path directory() {
        return dir;
    }

    public LogSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Appending
    // ------------------------------------------------------------------------------------------------------------

    /** Appends one payload; see {@link #append(List)}. */
    public CompletableFuture<LogPosition> append(byte[] payload) {
        return enqueue(new byte[][] {checkPayload(payload)});
    }

    /**
     * Appends the payloads, in order, as one unit: the returned future completes with the position after the last
     * of them once all are written (and fsynced, under {@link FsyncPolicy#ALWAYS}), or exceptionally with an
     * {@link IOException} if the log failed or is closed ({@link LogClosedException}); it never stays pending after
     * {@link #close()} returns. Thread-safe. The arrays must not be modified until the future completes.
     *
     * @throws IllegalArgumentException if the list is empty or a payload is larger than
     *                                  {@link LogSettings#maxRecordBytes()} (nothing is appended)
     * @throws NullPointerException     if the list or a payload is null
     */
    public CompletableFuture<LogPosition> append(List<byte[]> payloads) {
        byte[][] copy = payloads.toArray(new byte[0][]);
        if (copy.length == 0) {
            throw new IllegalArgumentException("no payloads to append");
        }
        for (byte[] payload : copy) {
            checkPayload(payload);
        }
        return enqueue(copy);
    }

    private byte[] checkPayload(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > settings.maxRecordBytes()) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds maxRecordBytes "
                    + settings.maxRecordBytes());
        }
        return payload;
    }

    private CompletableFuture<LogPosition> enqueue(byte[][] payloads) {
        Pending pending = new Pending(payloads);
        queueLock.lock();
        try {
            if (closing) {
                return CompletableFuture.failedFuture(new LogClosedException("event log " + dir + " is closed"));
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failedException());
            }
            queue.add(pending);
            queueNotEmpty.signal();
        } finally {
            queueLock.unlock();
        }
        return pending.future;
    }

    private IOException failedException() {
        return new IOException("event log " + dir + " has failed and must be reopened", failure);
    }

    private void writerLoop() {
        ArrayList<Pending> group = new ArrayList<>();
        while (true) {
            queueLock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    queueNotEmpty.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    break; // closing and drained
                }
                ArrayList<Pending> taken = queue;
                queue = group;
                group = taken;
            } finally {
                queueLock.unlock();
            }
            inFlight = group;
            writeGroup(group);
            inFlight = List.of();
            group.clear();
        }
        finishWriter();
    }

    /**
     * Writes one group and completes its futures. This is where the durability guarantee is made: every future
     * of the group is completed normally only after all of the group's bytes were handed to the kernel by
     * {@code FileChannel.write} (so they are in the page cache and survive {@code kill -9} of this process) and,
     * under {@link FsyncPolicy#ALWAYS}, after {@code force(false)} returned (so they survive power loss). At that
     * same point, and not before, the committed end that {@link #end()} and readers see is advanced past the
     * group; the futures are completed right after it (nothing can fail in between), so a caller whose future
     * completed always finds its records in {@code end()} and readers, and readers never see bytes that are not
     * yet written (and fsynced, under ALWAYS).
     */
    private void writeGroup(List<Pending> group) {
        Throwable failed;
        queueLock.lock();
        try {
            failed = failure;
        } finally {
            queueLock.unlock();
        }
        if (failed != null) {
            failAll(group, failedException());
            return;
        }
        long startSegment = activeSegment;
        long startSize = activeSize;
        boolean writing = true;
        long records = 0;
        long bytes = 0;
        try {
            for (Pending p : group) {
                for (byte[] payload : p.payloads) {
                    long recordBytes = RecordFormat.HEADER_BYTES + (long) payload.length;
                    if (activeSize > 0 && activeSize + recordBytes > settings.segmentBytes()) {
                        writing = false; // a failure while rotating leaves the log in an unknown state
                        rotate();
                        writing = true;
                    }
                    bufferRecord(payload);
                    records++;
                    bytes += recordBytes;
                }
                p.end = new LogPosition(activeSegment, activeSize);
            }
            flushWriteBuffer();
            writing = false;
            if (settings.fsyncPolicy() == FsyncPolicy.ALWAYS) {
                activeChannel.force(false);
                fsyncs.incrementAndGet();
            } else if (settings.fsyncPolicy() == FsyncPolicy.INTERVAL) {
                dirty = true;
            }
        } catch (Throwable e) {
            writeBuffer.clear();
            handleWriteFailure(e, writing && activeSegment == startSegment, startSize);
            failAll(group, e instanceof IOException ? (IOException) e : new IOException("append failed", e));
            return;
        }
        // Durability point: the bytes of every record of this group are written (and fsynced under ALWAYS).
        // Nothing can fail from here on. The committed end is published first, then the futures are completed,
        // so that whoever sees a completed future also sees its records in end() and in readers.
        appendedRecords.addAndGet(records);
        appendedBytes.addAndGet(bytes);
        groupWrites.incrementAndGet();
        publish(group.get(group.size() - 1).end);
        for (Pending p : group) {
            p.future.complete(p.end);
        }
        if (preallocator != null && nextSegment == null && activeSize >= settings.segmentBytes() / 2) {
            nextSegment = prepareNextSegment();
        }
    }

    private void bufferRecord(byte[] payload) throws IOException {
        int length = payload.length;
        int crc = RecordFormat.checksum(writeCrc, payload, 0, length);
        if (writeBuffer.remaining() < RecordFormat.HEADER_BYTES) {
            flushWriteBuffer();
        }
        writeBuffer.putInt(length).putInt(crc);
        int off = 0;
        while (off < length) {
            if (!writeBuffer.hasRemaining()) {
                flushWriteBuffer();
            }
            int n = Math.min(writeBuffer.remaining(), length - off);
            writeBuffer.put(payload, off, n);
            off += n;
        }
        activeSize += RecordFormat.HEADER_BYTES + length;
    }

    private void flushWriteBuffer() throws IOException {
        writeBuffer.flip();
        FileChannel channel = activeChannel;
        while (writeBuffer.hasRemaining()) {
            channel.write(writeBuffer);
        }
        writeBuffer.clear();
    }

    /**
     * Seals the active segment and starts the next one (number + 1). Called by the writer with the buffer's
     * contents still belonging to the old segment. Sealing truncates the segment to its data (dropping the
     * preallocated zeros after it), before the next segment appears: a segment that is not the last one is read to
     * its file size, on open and by readers.
     */
    private void rotate() throws IOException {
        flushWriteBuffer();
        FileChannel old = activeChannel;
        if (old.size() > activeSize) {
            old.truncate(activeSize);
        }
        if (settings.fsyncPolicy() != FsyncPolicy.NEVER) {
            old.force(false);
            fsyncs.incrementAndGet();
        }
        long next = activeSegment + 1;
        FileChannel created = createSegment(RecordFormat.path(dir, next));
        if (settings.fsyncPolicy() != FsyncPolicy.NEVER) {
            fsyncDirectory(dir);
        }
        segments.add(next);
        activeChannel = created;
        activeSegment = next;
        activeSize = 0;
        old.close();
        LOG.debug("Event log {}: rotated to segment {}", dir, next);
    }

    /**
     * Creates the segment file {@code path}: without preallocation an empty file; with it, the next segment
     * prepared in the background (waiting for it if it is not ready yet) renamed to {@code path}. If preparing it
     * failed (a full disk, say), an empty file that grows as it is written, and a WARN.
     */
    private FileChannel createSegment(Path path) throws IOException {
        if (preallocator != null) {
            CompletableFuture<Void> prepared = nextSegment != null ? nextSegment : prepareNextSegment();
            nextSegment = null;
            try {
                prepared.join();
                Files.move(dir.resolve(RecordFormat.NEXT_SEGMENT), path);
                return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (CompletionException | IOException e) {
                LOG.warn("Event log {}: could not preallocate segment {}; it grows as it is written", dir,
                        path.getFileName(), e instanceof CompletionException ? e.getCause() : e);
            }
        }
        return FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Starts writing {@code .next-segment}: zeros up to segmentBytes, fsynced. */
    private CompletableFuture<Void> prepareNextSegment() {
        Path path = dir.resolve(RecordFormat.NEXT_SEGMENT);
        return CompletableFuture.runAsync(() -> {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ZeroFill.write(channel, 0, settings.segmentBytes());
                channel.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, preallocator);
    }

    private void handleWriteFailure(Throwable e, boolean canTruncate, long truncateTo) {
        if (canTruncate && e instanceof IOException) {
            try {
                activeChannel.truncate(truncateTo);
                activeChannel.position(truncateTo);
                activeSize = truncateTo;
                LOG.error("Event log {}: group write failed; its appends failed, log continues", dir, e);
                return;
            } catch (IOException | RuntimeException t) {
                e.addSuppressed(t);
            }
        }
        LOG.error("Event log {}: failed; every further append fails until it is reopened", dir, e);
        markFailed(e);
    }

    private void markFailed(Throwable e) {
        queueLock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
        } finally {
            queueLock.unlock();
        }
    }

    private static void failAll(List<Pending> group, Throwable e) {
        for (Pending p : group) {
            p.future.completeExceptionally(e);
        }
    }

    private void publish(LogPosition end) {
        committedEnd = end;
        signalReaders();
    }

    void signalReaders() {
        endLock.lock();
        try {
            endAdvanced.signalAll();
        } finally {
            endLock.unlock();
        }
    }

    private void backgroundFsync() {
        if (!dirty) {
            return;
        }
        dirty = false;
        FileChannel channel = activeChannel;
        try {
            channel.force(false);
            fsyncs.incrementAndGet();
        } catch (ClosedChannelException e) {
            dirty = true; // rotated (the old segment was fsynced then) or closing; try the new one next time
        } catch (IOException e) {
            LOG.error("Event log {}: background fsync failed; failing the log", dir, e);
            markFailed(e);
        }
    }

    private void finishWriter() {
        FileChannel channel = activeChannel;
        try {
            if (channel.isOpen()) {
                channel.force(false);
                fsyncs.incrementAndGet();
            }
        } catch (IOException e) {
            LOG.error("Event log {}: fsync on close failed", dir, e);
        } finally {
            closeQuietly(channel, null);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The committed end: the position after the last record of the last group written (and fsynced, per policy).
     * It covers every append whose future has completed; it is advanced just before a group's futures complete.
     */
    public LogPosition end() {
        return committedEnd;
    }

    /** The position of the first record still in the log (start of the oldest segment). */
    public LogPosition start() {
        return new LogPosition(segments.first(), 0);
    }

    /**
     * Opens a reader at {@code from}. If that segment was deleted, the reader starts at the oldest remaining
     * segment; a position past {@link #end()} is clamped to it (both logged at WARN).
     */
    public LogReader openReader(LogPosition from) throws IOException {
        Objects.requireNonNull(from, "from");
        if (closed) {
            throw new IllegalStateException("event log " + dir + " is closed");
        }
        LogPosition start = from;
        LogPosition end = committedEnd;
        if (start.compareTo(end) > 0) {
            LOG.warn("Event log {}: reader position {} is past the end {}; starting at the end", dir, from, end);
            start = end;
        }
        while (true) {
            Long segment = segments.ceiling(start.segment());
            if (segment == null) {
                throw new IOException("event log " + dir + " has no segment at or after " + start);
            }
            if (segment != start.segment()) {
                LOG.warn("Event log {}: segment {} of reader position {} no longer exists; starting at the oldest "
                        + "remaining segment {}", dir, start.segment(), from, segment);
                start = new LogPosition(segment, 0);
            }
            try {
                FileChannel channel = FileChannel.open(RecordFormat.path(dir, segment), StandardOpenOption.READ);
                return new SegmentedLogReader(this, start, channel);
            } catch (NoSuchFileException e) {
                start = new LogPosition(segment + 1, 0); // deleted by retention just now
            }
        }
    }

    /** The smallest segment number greater than {@code segment}, or null. */
    Long segmentAfter(long segment) {
        return segments.higher(segment);
    }

    FileChannel openSegment(long segment) throws IOException {
        return FileChannel.open(RecordFormat.path(dir, segment), StandardOpenOption.READ);
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Waits until the committed end is past {@code position}, the log is closed, {@code stop} says so, or the
     * deadline passes. Returns false only on timeout.
     */
    boolean awaitEndAfter(LogPosition position, long deadlineNanos, BooleanSupplier stop)
            throws InterruptedException {
        endLock.lock();
        try {
            while (committedEnd.compareTo(position) <= 0 && !closed && !stop.getAsBoolean()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                endAdvanced.awaitNanos(left);
            }
            return true;
        } finally {
            endLock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Retention
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Records the consumer's committed position and deletes, oldest first, segments that lie wholly before it and
     * whose last-modified time is older than the retention. Never deletes the active segment or a segment at or
     * after the released position. Positions never move backwards; one past {@link #end()} is clamped to it.
     * Deletion errors are logged, not thrown.
     */
    public void release(LogPosition consumedUpTo) {
        Objects.requireNonNull(consumedUpTo, "consumedUpTo");
        synchronized (retentionLock) {
            LogPosition end = committedEnd;
            LogPosition pos = consumedUpTo.compareTo(end) > 0 ? end : consumedUpTo;
            if (pos.compareTo(released) > 0) {
                released = pos;
            }
            deleteEligibleSegments();
        }
    }

    private void deleteEligibleSegments() {
        long cutoff = System.currentTimeMillis() - settings.retention().toMillis();
        for (Long segment : segments) {
            if (segment >= activeSegment || segment > released.segment()) {
                return;
            }
            Path path = RecordFormat.path(dir, segment);
            try {
                if (segment == released.segment() && released.offset() < Files.size(path)) {
                    return; // the consumer is still inside this segment
                }
                if (Files.getLastModifiedTime(path).toMillis() > cutoff) {
                    return;
                }
                segments.remove(segment);
                Files.deleteIfExists(path);
                LOG.info("Event log {}: deleted released segment {}", dir, path.getFileName());
            } catch (NoSuchFileException e) {
                segments.remove(segment);
            } catch (IOException e) {
                LOG.warn("Event log {}: could not delete segment {}", dir, path.getFileName(), e);
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stats and closing
    // ------------------------------------------------------------------------------------------------------------

    public LogStats stats() {
        return new LogStats(appendedRecords.get(), appendedBytes.get(), groupWrites.get(), fsyncs.get(),
                segments.size(), recoveredTruncatedBytes);
    }

    /**
     * Stops accepting appends, lets the writer write (and fsync) everything already queued, and closes the files.
     * Every pending append completes or fails; this waits at most about 10 s for a stuck writer. Readers waiting
     * in poll are woken. Idempotent.
     */
    @Override
    public void close() {
        queueLock.lock();
        try {
            closing = true;
            queueNotEmpty.signal();
        } finally {
            queueLock.unlock();
        }
        if (fsyncTimer != null) {
            fsyncTimer.shutdown();
        }
        if (Thread.currentThread() != writer) {
            try {
                writer.join(CLOSE_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (writer.isAlive()) {
            LOG.error("Event log {}: writer did not finish within {} ms of close; failing its pending appends",
                    dir, CLOSE_TIMEOUT_MILLIS);
            LogClosedException e = new LogClosedException("event log " + dir + " closed while the append was pending");
            failAll(inFlight, e);
            queueLock.lock();
            try {
                failAll(queue, e);
                queue.clear();
            } finally {
                queueLock.unlock();
            }
        }
        if (preallocator != null) {
            // Only now: a writer still rotating waits for the preparation, which must run to let it finish.
            // Interrupting a preparation closes its file; a next segment is redone on the next open anyway.
            preallocator.shutdownNow();
            deleteNextSegment();
        }
        if (!closed) {
            closed = true;
            try {
                dirLock.release();
            } catch (IOException e) {
                LOG.warn("Event log {}: could not release the directory lock", dir, e);
            }
            closeQuietly(lockChannel, null);
        }
        signalReaders();
    }

    private void deleteNextSegment() {
        try {
            if (!preallocator.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("Event log {}: preallocation did not stop within {} ms of close", dir, CLOSE_TIMEOUT_MILLIS);
            }
            Files.deleteIfExists(dir.resolve(RecordFormat.NEXT_SEGMENT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("Event log {}: could not delete {}", dir, RecordFormat.NEXT_SEGMENT, e);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot fsync directory {} on this platform", dir, e);
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable into) {
        try {
            c.close();
        } catch (Exception e) {
            if (into != null) {
                into.addSuppressed(e);
            } else {
                LOG.warn("Close failed", e);
            }
        }
    }
}
