package com.clozette.analytics.log;

import static com.clozette.analytics.log.LogTestSupport.ids;
import static com.clozette.analytics.log.LogTestSupport.payload;
import static com.clozette.analytics.log.LogTestSupport.readAll;
import static com.clozette.analytics.log.LogTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class EventLogRecoveryTest {

    private static final int RECORDS = 10;

    @TempDir
    Path dir;

    /** Appends records 0..9 in one segment and returns the position after each. */
    private List<LogPosition> writeTenRecords() throws IOException {
        List<LogPosition> ends = new ArrayList<>();
        try (EventLog log = EventLog.open(dir, settings())) {
            for (int i = 0; i < RECORDS; i++) {
                ends.add(log.append(payload(i)).join());
            }
        }
        return ends;
    }

    private Path lastSegment() {
        return RecordFormat.path(dir, 0);
    }

    /** Opens the damaged log and checks: expected records intact, damage counted, appending works again. */
    private void assertRecovered(int survivingRecords, LogPosition expectedEnd, long expectedDropped)
            throws Exception {
        try (EventLog log = EventLog.open(dir, settings())) {
            assertEquals(expectedEnd, log.end());
            assertEquals(expectedDropped, log.stats().recoveredTruncatedBytes());
            assertEquals(expectedEnd.offset(), Files.size(lastSegment()), "file truncated to the last good record");
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < survivingRecords; i++) {
                expected.add(i);
            }
            assertEquals(expected, ids(readAll(log, LogPosition.START)));

            log.append(payload(100)).join();
            expected.add(100L);
            assertEquals(expected, ids(readAll(log, LogPosition.START)));
        }
        try (EventLog log = EventLog.open(dir, settings())) {
            assertEquals(0, log.stats().recoveredTruncatedBytes(), "the repaired log is clean");
            assertEquals(survivingRecords + 1, readAll(log, LogPosition.START).size());
        }
    }

    @Test
    void tornTailIsTruncatedOnOpen() throws Exception {
        List<LogPosition> ends = writeTenRecords();
        long cut = ends.get(RECORDS - 1).offset() - 5; // mid-payload of the last record
        truncate(lastSegment(), cut);
        assertRecovered(RECORDS - 1, ends.get(RECORDS - 2), cut - ends.get(RECORDS - 2).offset());
    }

    @Test
    void tornRecordHeaderIsTruncatedOnOpen() throws Exception {
        List<LogPosition> ends = writeTenRecords();
        long cut = ends.get(RECORDS - 2).offset() + 3; // three bytes of the last record's header
        truncate(lastSegment(), cut);
        assertRecovered(RECORDS - 1, ends.get(RECORDS - 2), 3);
    }

    @Test
    void zeroFilledTailIsTruncatedOnOpen() throws Exception {
        List<LogPosition> ends = writeTenRecords();
        appendBytes(lastSegment(), new byte[4096]);
        assertRecovered(RECORDS, ends.get(RECORDS - 1), 4096);
    }

    @Test
    void garbageTailIsTruncatedOnOpen() throws Exception {
        List<LogPosition> ends = writeTenRecords();
        byte[] garbage = new byte[777];
        new Random(42).nextBytes(garbage);
        appendBytes(lastSegment(), garbage);
        assertRecovered(RECORDS, ends.get(RECORDS - 1), garbage.length);
    }

    @Test
    void lengthPointingPastTheEndIsTruncatedOnOpen() throws Exception {
        List<LogPosition> ends = writeTenRecords();
        ByteBuffer header = ByteBuffer.allocate(20).putInt(1_000_000).putInt(12345);
        appendBytes(lastSegment(), header.array());
        assertRecovered(RECORDS, ends.get(RECORDS - 1), 20);
    }

    @Test
    void lastRecordWithBadChecksumIsTruncatedOnOpen() throws Exception {
        List<LogPosition> ends = writeTenRecords();
        long lastStart = ends.get(RECORDS - 2).offset();
        flipByte(lastSegment(), lastStart + RecordFormat.HEADER_BYTES + 100);
        assertRecovered(RECORDS - 1, ends.get(RECORDS - 2), ends.get(RECORDS - 1).offset() - lastStart);
    }

    @Test
    void corruptRecordInAnOlderSegmentIsSkippedByReadersWithoutFailing() throws Exception {
        LogSettings s = settings().withSegmentBytes(4096);
        List<LogPosition> ends = new ArrayList<>();
        try (EventLog log = EventLog.open(dir, s)) {
            for (int i = 0; i < 30; i++) {
                ends.add(log.append(payload(i)).join());
            }
        }
        // Records in segment 0, and which one to damage: the second.
        int inFirst = 0;
        while (ends.get(inFirst).segment() == 0) {
            inFirst++;
        }
        assertTrue(inFirst >= 4, "several records in segment 0");
        flipByte(RecordFormat.path(dir, 0), ends.get(0).offset() + RecordFormat.HEADER_BYTES + 10);

        try (EventLog log = EventLog.open(dir, s)) {
            assertEquals(0, log.stats().recoveredTruncatedBytes(), "older segments are not scanned on open");
            List<Long> expected = new ArrayList<>();
            expected.add(0L); // before the corrupt record; the rest of segment 0 is skipped
            for (long i = inFirst; i < 30; i++) {
                expected.add(i);
            }
            assertEquals(expected, ids(readAll(log, LogPosition.START)));
            log.append(payload(30)).join();
            assertEquals(30L, ids(readAll(log, ends.get(29))).get(0));
        }
    }

    @Test
    void emptyDirectoryStartsAnEmptyLogAtStart() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("a/b"), settings())) {
            assertEquals(LogPosition.START, log.end());
            assertEquals(List.of(), readAll(log, LogPosition.START));
            assertTrue(Files.exists(dir.resolve("a/b/00000000000000000000.log")));
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }
}
