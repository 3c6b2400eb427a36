package com.clozette.analytics.log;

import static com.clozette.analytics.log.LogTestSupport.ids;
import static com.clozette.analytics.log.LogTestSupport.payload;
import static com.clozette.analytics.log.LogTestSupport.readAll;
import static com.clozette.analytics.log.LogTestSupport.segmentFiles;
import static com.clozette.analytics.log.LogTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class EventLogTest {

    @TempDir
    Path dir;

    @Test
    void appendedRecordsAreReadBackInOrderAcrossSegmentRotation() throws Exception {
        long segmentBytes = 4096;
        List<CompletableFuture<LogPosition>> futures = new ArrayList<>();
        try (EventLog log = EventLog.open(dir, settings().withSegmentBytes(segmentBytes))) {
            long id = 0;
            for (int i = 0; i < 40; i++) {
                if (i % 4 == 0) {
                    futures.add(log.append(List.of(payload(id++), payload(id++), payload(id++))));
                } else {
                    futures.add(log.append(payload(id++)));
                }
            }
            LogPosition last = null;
            for (CompletableFuture<LogPosition> f : futures) {
                LogPosition p = f.join();
                if (last != null) {
                    assertTrue(p.compareTo(last) > 0, "positions grow: " + last + " then " + p);
                }
                last = p;
            }
            assertEquals(last, log.end());

            List<LogRecord> records = readAll(log, LogPosition.START);
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < id; i++) {
                expected.add(i);
            }
            assertEquals(expected, ids(records));
            for (LogRecord r : records) {
                assertArrayEquals(payload(LogTestSupport.idOf(r.payload())), r.payload());
            }
            for (int i = 1; i < records.size(); i++) {
                LogPosition next = records.get(i - 1).next();
                LogPosition pos = records.get(i).position();
                assertTrue(next.equals(pos) || (pos.segment() == next.segment() + 1 && pos.offset() == 0),
                        "record " + i + " starts where the previous one ends: " + next + " vs " + pos);
            }
            assertEquals(log.end(), records.get(records.size() - 1).next());

            List<Path> files = segmentFiles(dir);
            assertTrue(files.size() > 5, "rotated into several segments: " + files);
            assertEquals(files.size(), log.stats().segments());
            for (int i = 0; i < files.size(); i++) {
                assertEquals(RecordFormat.fileName(i), files.get(i).getFileName().toString());
                assertTrue(Files.size(files.get(i)) <= segmentBytes, "segment within segmentBytes");
            }
            assertEquals("00000000000000000000.log", files.get(0).getFileName().toString());
            assertEquals(id, log.stats().appendedRecords());
        }
    }

    @Test
    void appendCompletesWithThePositionAfterItsLastRecord() throws Exception {
        try (EventLog log = EventLog.open(dir, settings())) {
            LogPosition afterFirst = log.append(List.of(payload(1), payload(2), payload(3))).join();
            LogPosition afterSecond = log.append(List.of(payload(4), payload(5))).join();
            List<LogRecord> all = readAll(log, LogPosition.START);
            assertEquals(afterFirst, all.get(2).next());
            assertEquals(afterSecond, all.get(4).next());
            assertEquals(List.of(4L, 5L), ids(readAll(log, afterFirst)));
            assertEquals(List.of(), readAll(log, afterSecond));
        }
    }

    @Test
    void concurrentAppendersShareGroupWritesAndEveryCompletedAppendIsReadable() throws Exception {
        int threads = 8;
        int appendsPerThread = 1500;
        int total = threads * appendsPerThread + threads * (appendsPerThread / 10); // every 10th appends two
        try (EventLog log = EventLog.open(dir, settings())) {
            // A loader tailing the log while it is written.
            List<LogRecord> tailed = Collections.synchronizedList(new ArrayList<>());
            AtomicReference<Throwable> tailError = new AtomicReference<>();
            Thread tailer = new Thread(() -> {
                try (LogReader reader = log.openReader(LogPosition.START)) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
                    while (tailed.size() < total && System.nanoTime() < deadline) {
                        tailed.addAll(reader.poll(500, Duration.ofMillis(200)));
                    }
                } catch (Throwable t) {
                    tailError.set(t);
                }
            });
            tailer.start();

            List<List<CompletableFuture<LogPosition>>> futures = new ArrayList<>();
            List<Thread> appenders = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                List<CompletableFuture<LogPosition>> mine = new ArrayList<>();
                futures.add(mine);
                long base = t * 1_000_000L;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long seq = 0;
                    for (int i = 0; i < appendsPerThread; i++) {
                        if (i % 10 == 0) {
                            mine.add(log.append(List.of(payload(base + seq++), payload(base + seq++))));
                        } else {
                            mine.add(log.append(payload(base + seq++)));
                        }
                    }
                });
                appenders.add(thread);
                thread.start();
            }
            go.countDown();
            for (Thread t : appenders) {
                t.join();
            }
            for (List<CompletableFuture<LogPosition>> mine : futures) {
                for (CompletableFuture<LogPosition> f : mine) {
                    f.join();
                }
            }
            tailer.join();
            assertEquals(null, tailError.get());

            List<LogRecord> all = readAll(log, LogPosition.START);
            assertEquals(total, all.size());
            assertEquals(ids(all), ids(tailed), "the tailing reader saw the same records in the same order");
            Map<Long, Long> lastSeqPerThread = new HashMap<>();
            for (LogRecord r : all) {
                long id = LogTestSupport.idOf(r.payload());
                assertArrayEquals(payload(id), r.payload());
                Long previous = lastSeqPerThread.put(id / 1_000_000L, id);
                assertTrue(previous == null || previous < id, "each thread's appends keep their order");
            }
            for (long t = 0; t < threads; t++) {
                assertEquals(t * 1_000_000L + total / threads - 1, lastSeqPerThread.get(t));
            }
            LogStats stats = log.stats();
            int appends = threads * appendsPerThread;
            assertEquals(total, stats.appendedRecords());
            assertTrue(stats.groupWrites() < appends, "group commit: " + stats.groupWrites() + " group writes for "
                    + appends + " appends");
            assertEquals(stats.groupWrites(), stats.fsyncs(), "ALWAYS: one fsync per group write (no rotation)");
        }
    }

    @Test
    void waitingReaderIsWokenPromptlyByAnAppend() throws Exception {
        int rounds = 20;
        long[] latencies = new long[rounds];
        try (EventLog log = EventLog.open(dir, settings().withFsyncPolicy(FsyncPolicy.NEVER));
             LogReader reader = log.openReader(log.end())) {
            for (int round = 0; round < rounds; round++) {
                CompletableFuture<List<LogRecord>> polled = new CompletableFuture<>();
                AtomicLong returnedAt = new AtomicLong();
                Thread poller = new Thread(() -> {
                    try {
                        List<LogRecord> records = reader.poll(10, Duration.ofSeconds(10));
                        returnedAt.set(System.nanoTime());
                        polled.complete(records);
                    } catch (Throwable t) {
                        polled.completeExceptionally(t);
                    }
                });
                poller.start();
                while (poller.getState() != Thread.State.TIMED_WAITING) { // parked in poll's timed wait
                    assertTrue(poller.isAlive(), "poller ended early: " + polled);
                    Thread.onSpinWait();
                }
                long before = System.nanoTime();
                log.append(payload(round)).join();
                List<LogRecord> records = polled.get(5, TimeUnit.SECONDS);
                latencies[round] = returnedAt.get() - before;
                assertEquals(List.of((long) round), ids(records));
                poller.join();
            }
        }
        Arrays.sort(latencies);
        long medianMicros = latencies[rounds / 2] / 1000;
        long maxMicros = latencies[rounds - 1] / 1000;
        System.out.println("poll wake-up after append: median " + medianMicros + " us, max " + maxMicros + " us");
        assertTrue(medianMicros < 5_000, "median wake-up " + medianMicros + " us");
        assertTrue(maxMicros < 1_000_000, "every wake-up well before maxWait (10 s): " + maxMicros + " us");
    }

    @Test
    void pollReturnsAnEmptyListAfterMaxWaitWhenNothingIsAppended() throws Exception {
        try (EventLog log = EventLog.open(dir, settings()); LogReader reader = log.openReader(log.end())) {
            long start = System.nanoTime();
            List<LogRecord> records = reader.poll(10, Duration.ofMillis(50));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(), records);
            assertTrue(elapsedMillis >= 49 && elapsedMillis < 2_000, "waited " + elapsedMillis + " ms");
        }
    }

    @Test
    void pollReturnsAtMostMaxRecords() throws Exception {
        try (EventLog log = EventLog.open(dir, settings())) {
            log.append(List.of(payload(0), payload(1), payload(2), payload(3), payload(4))).join();
            try (LogReader reader = log.openReader(LogPosition.START)) {
                assertEquals(List.of(0L, 1L), ids(reader.poll(2, Duration.ZERO)));
                assertEquals(List.of(2L, 3L), ids(reader.poll(2, Duration.ZERO)));
                assertEquals(List.of(4L), ids(reader.poll(2, Duration.ZERO)));
                assertEquals(log.end(), reader.position());
            }
        }
    }

    @Test
    void closingTheLogWakesAWaitingReader() throws Exception {
        EventLog log = EventLog.open(dir, settings());
        try (LogReader reader = log.openReader(log.end())) {
            CompletableFuture<List<LogRecord>> polled = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.poll(10, Duration.ofSeconds(20));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            log.close();
            assertEquals(List.of(), polled.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void reopenAfterCloseResumesAppendingAfterTheLastRecord() throws Exception {
        LogSettings s = settings().withSegmentBytes(4096);
        LogPosition endBeforeClose;
        try (EventLog log = EventLog.open(dir, s)) {
            for (int i = 0; i < 20; i++) {
                log.append(payload(i));
            }
            endBeforeClose = log.append(payload(20)).join();
        }
        try (EventLog log = EventLog.open(dir, s)) {
            assertEquals(endBeforeClose, log.end());
            assertEquals(0, log.stats().recoveredTruncatedBytes());
            LogPosition after = log.append(List.of(payload(21), payload(22))).join();
            assertTrue(after.compareTo(endBeforeClose) > 0);
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i <= 22; i++) {
                expected.add(i);
            }
            assertEquals(expected, ids(readAll(log, LogPosition.START)));
            assertEquals(List.of(21L, 22L), ids(readAll(log, endBeforeClose)));
        }
    }

    @Test
    void oversizedPayloadIsRejectedAndNothingIsAppended() throws Exception {
        try (EventLog log = EventLog.open(dir, settings().withMaxRecordBytes(1000))) {
            byte[] max = new byte[1000];
            byte[] tooBig = new byte[1001];
            assertThrows(IllegalArgumentException.class, () -> log.append(tooBig));
            assertThrows(IllegalArgumentException.class, () -> log.append(List.of(max, tooBig)));
            assertThrows(IllegalArgumentException.class, () -> log.append(List.of()));
            assertEquals(LogPosition.START, log.end());
            log.append(max).join();
            List<LogRecord> records = readAll(log, LogPosition.START);
            assertEquals(1, records.size());
            assertEquals(1000, records.get(0).payload().length);
        }
    }

    @Test
    void recordLargerThanASegmentGetsASegmentOfItsOwn() throws Exception {
        try (EventLog log = EventLog.open(dir, settings().withSegmentBytes(1024))) {
            byte[] big = new byte[5000];
            Arrays.fill(big, (byte) 7);
            log.append(List.of(payload(0), big, payload(1))).join();
            List<LogRecord> records = readAll(log, LogPosition.START);
            assertEquals(3, records.size());
            assertArrayEquals(big, records.get(1).payload());
            assertEquals(new LogPosition(1, 0), records.get(1).position());
            assertEquals(new LogPosition(2, 0), records.get(2).position());
        }
    }

    @Test
    void closeWithPendingAppendsDoesNotHangAndSettlesEveryFuture() throws Exception {
        EventLog log = EventLog.open(dir, settings());
        int threads = 4;
        AtomicInteger issued = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<CompletableFuture<LogPosition>> futures = new ConcurrentLinkedQueue<>();
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = t * 1_000_000L;
            Thread thread = new Thread(() -> {
                for (long i = 0; !stop.get(); i++) {
                    CompletableFuture<LogPosition> f = log.append(payload(base + i));
                    futures.add(f);
                    issued.incrementAndGet();
                    if (f.isCompletedExceptionally()) {
                        return; // closed
                    }
                }
            });
            appenders.add(thread);
            thread.start();
        }
        while (issued.get() < 2000) {
            Thread.onSpinWait();
        }
        assertTimeoutPreemptively(Duration.ofSeconds(15), log::close);
        stop.set(true);
        for (Thread t : appenders) {
            t.join();
        }
        long completed = 0;
        long closedFailures = 0;
        for (CompletableFuture<LogPosition> f : futures) {
            assertTrue(f.isDone(), "no future stays pending after close returned");
            if (f.isCompletedExceptionally()) {
                Throwable cause = assertThrows(CompletionException.class, f::join).getCause();
                assertInstanceOf(LogClosedException.class, cause);
                closedFailures++;
            } else {
                completed++;
            }
        }
        assertTrue(closedFailures > 0, "appends racing with close were refused");
        try (EventLog reopened = EventLog.open(dir, settings())) {
            assertEquals(completed, readAll(reopened, LogPosition.START).size(),
                    "every completed append is in the log, nothing else");
        }
    }

    @Test
    void appendAfterCloseFailsWithLogClosedException() throws Exception {
        EventLog log = EventLog.open(dir, settings());
        log.close();
        log.close(); // idempotent
        CompletableFuture<LogPosition> f = log.append(payload(1));
        assertTrue(f.isCompletedExceptionally());
        assertInstanceOf(LogClosedException.class, assertThrows(CompletionException.class, f::join).getCause());
    }

    @Test
    void theSameDirectoryCannotBeOpenedTwice() throws Exception {
        try (EventLog log = EventLog.open(dir, settings())) {
            IOException e = assertThrows(IOException.class, () -> EventLog.open(dir, settings()));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            log.append(payload(1)).join();
        }
        try (EventLog again = EventLog.open(dir, settings())) {
            assertEquals(1, readAll(again, LogPosition.START).size());
        }
    }

    @Test
    void alwaysPolicyFsyncsEveryGroupWrite() throws Exception {
        try (EventLog log = EventLog.open(dir, settings().withFsyncPolicy(FsyncPolicy.ALWAYS))) {
            for (int i = 0; i < 10; i++) {
                log.append(payload(i)).join();
            }
            LogStats stats = log.stats();
            assertEquals(10, stats.groupWrites());
            assertEquals(10, stats.fsyncs());
            assertEquals(10, stats.appendedRecords());
            assertEquals(log.end().offset(), stats.appendedBytes());
        }
    }

    @Test
    void neverPolicyDoesNotFsyncWhileRunningButOnClose() throws Exception {
        EventLog log = EventLog.open(dir, settings().withFsyncPolicy(FsyncPolicy.NEVER).withSegmentBytes(2048));
        for (int i = 0; i < 20; i++) {
            log.append(payload(i)).join();
        }
        assertEquals(0, log.stats().fsyncs());
        assertEquals(20, readAll(log, LogPosition.START).size());
        log.close();
        assertEquals(1, log.stats().fsyncs());
    }

    @Test
    void intervalPolicyFsyncsInTheBackground() throws Exception {
        LogSettings s = settings().withFsyncPolicy(FsyncPolicy.INTERVAL).withFsyncInterval(Duration.ofMillis(5));
        try (EventLog log = EventLog.open(dir, s)) {
            log.append(payload(1)).join();
            assertEquals(1, readAll(log, LogPosition.START).size());
            // The fsync is a periodic background action with nothing to wait on: watch the counter, bounded.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (log.stats().fsyncs() == 0) {
                if (System.nanoTime() > deadline) {
                    fail("no background fsync within 5 s");
                }
                Thread.sleep(1);
            }
            long fsyncs = log.stats().fsyncs();
            assertEquals(1, fsyncs, "one write, one background fsync (idle intervals do not fsync)");
            assertFalse(fsyncs > log.stats().groupWrites());
        }
    }
}
