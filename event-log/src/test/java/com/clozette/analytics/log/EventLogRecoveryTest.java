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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damage after a crash, in both segment layouts: a segment that grows as it is written (damage is at the end of
 * the file) and a preallocated one (damage is at the end of the data, zeros follow up to segmentBytes).
 */
@Timeout(30)
class EventLogRecoveryTest {

    private static final int RECORDS = 10;

    enum Layout {
        GROWN(false), PREALLOCATED(true);

        final LogSettings settings;

        Layout(boolean preallocate) {
            this.settings = settings().withPreallocate(preallocate);
        }
    }

    @TempDir
    Path dir;

    /** The position after the last record written, where damage goes. */
    private long dataEnd;

    /** Appends records 0..9 in one segment and returns the position after each. */
    private List<LogPosition> writeTenRecords(Layout layout) throws IOException {
        List<LogPosition> ends = new ArrayList<>();
        try (EventLog log = EventLog.open(dir, layout.settings)) {
            for (int i = 0; i < RECORDS; i++) {
                ends.add(log.append(payload(i)).join());
            }
        }
        dataEnd = ends.get(RECORDS - 1).offset();
        return ends;
    }

    private Path lastSegment() {
        return RecordFormat.path(dir, 0);
    }

    /**
     * Opens the damaged log and checks: expected records intact, damage counted, the file ends at the last good
     * record (grown) or is zeros from there to segmentBytes (preallocated), appending works again.
     */
    private void assertRecovered(Layout layout, int survivingRecords, LogPosition expectedEnd, long expectedDropped)
            throws Exception {
        try (EventLog log = EventLog.open(dir, layout.settings)) {
            assertEquals(expectedEnd, log.end());
            assertEquals(expectedDropped, log.stats().recoveredTruncatedBytes());
            if (layout == Layout.PREALLOCATED) {
                assertEquals(layout.settings.segmentBytes(), Files.size(lastSegment()), "still preallocated");
                assertZerosFrom(lastSegment(), expectedEnd.offset());
            } else {
                assertEquals(expectedEnd.offset(), Files.size(lastSegment()), "file truncated to the last good record");
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < survivingRecords; i++) {
                expected.add(i);
            }
            assertEquals(expected, ids(readAll(log, LogPosition.START)));

            log.append(payload(100)).join();
            expected.add(100L);
            assertEquals(expected, ids(readAll(log, LogPosition.START)));
        }
        try (EventLog log = EventLog.open(dir, layout.settings)) {
            assertEquals(0, log.stats().recoveredTruncatedBytes(), "the repaired log is clean");
            assertEquals(survivingRecords + 1, readAll(log, LogPosition.START).size());
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void tornTailIsTruncatedOnOpen(Layout layout) throws Exception {
        List<LogPosition> ends = writeTenRecords(layout);
        long cut = ends.get(RECORDS - 1).offset() - 5; // mid-payload of the last record
        tear(layout, cut);
        assertRecovered(layout, RECORDS - 1, ends.get(RECORDS - 2), cut - ends.get(RECORDS - 2).offset());
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void tornRecordHeaderIsTruncatedOnOpen(Layout layout) throws Exception {
        List<LogPosition> ends = writeTenRecords(layout);
        long cut = ends.get(RECORDS - 2).offset() + 3; // three bytes of the last record's header (00 00 01)
        tear(layout, cut);
        assertRecovered(layout, RECORDS - 1, ends.get(RECORDS - 2), 3);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void zeroFilledTailIsTruncatedOnOpen(Layout layout) throws Exception {
        List<LogPosition> ends = writeTenRecords(layout);
        writeAfterData(new byte[4096]);
        // In a preallocated segment zeros after the data are its free space, not damage.
        assertRecovered(layout, RECORDS, ends.get(RECORDS - 1), layout == Layout.PREALLOCATED ? 0 : 4096);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void garbageTailIsTruncatedOnOpen(Layout layout) throws Exception {
        List<LogPosition> ends = writeTenRecords(layout);
        byte[] garbage = new byte[777];
        new Random(42).nextBytes(garbage);
        garbage[garbage.length - 1] = 1;
        writeAfterData(garbage);
        assertRecovered(layout, RECORDS, ends.get(RECORDS - 1), garbage.length);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void lengthPointingPastTheEndIsTruncatedOnOpen(Layout layout) throws Exception {
        List<LogPosition> ends = writeTenRecords(layout);
        ByteBuffer header = ByteBuffer.allocate(20).putInt(1_000_000).putInt(12345);
        writeAfterData(header.array());
        // Preallocated, the 12 zero bytes after the header are free space again.
        assertRecovered(layout, RECORDS, ends.get(RECORDS - 1), layout == Layout.PREALLOCATED ? 8 : 20);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void lastRecordWithBadChecksumIsTruncatedOnOpen(Layout layout) throws Exception {
        List<LogPosition> ends = writeTenRecords(layout);
        long lastStart = ends.get(RECORDS - 2).offset();
        flipByte(lastSegment(), lastStart + RecordFormat.HEADER_BYTES + 100);
        assertRecovered(layout, RECORDS - 1, ends.get(RECORDS - 2), ends.get(RECORDS - 1).offset() - lastStart);
    }

    @Test
    void recordsAfterAZeroedHoleAreNotReadBackOnceShorterAppendsEndBeforeThem() throws Exception {
        // Power loss under fsync: interval can leave a group unwritten (zeros) and a later one written. Recovery
        // ends the log at the hole; the records after it must be wiped, or appends that end just before them
        // would make them valid again on the next open.
        Layout layout = Layout.PREALLOCATED;
        List<LogPosition> ends = writeTenRecords(layout);
        long holeStart = ends.get(4).offset();
        long holeEnd = ends.get(6).offset(); // records 5 and 6 unwritten; 7..9 written
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (holeEnd - holeStart)), holeStart);
        }
        try (EventLog log = EventLog.open(dir, layout.settings)) {
            assertEquals(ends.get(4), log.end());
            assertEquals(dataEnd - holeStart, log.stats().recoveredTruncatedBytes(), "the hole and records 7..9");
            assertEquals(layout.settings.segmentBytes(), Files.size(lastSegment()));
            assertZerosFrom(lastSegment(), holeStart);
            // Appended again, records 5 and 6 take exactly their old bytes, so record 7 would follow them.
            assertEquals(ends.get(6), log.append(List.of(payload(5), payload(6))).join());
        }
        try (EventLog log = EventLog.open(dir, layout.settings)) {
            assertEquals(ends.get(6), log.end());
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), ids(readAll(log, LogPosition.START)));
        }
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

    /** What a crash leaves of the bytes from {@code cut} to the end of the data: nothing, or zeros. */
    private void tear(Layout layout, long cut) throws IOException {
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE)) {
            if (layout == Layout.PREALLOCATED) {
                ch.write(ByteBuffer.allocate((int) (dataEnd - cut)), cut);
            } else {
                ch.truncate(cut);
            }
        }
    }

    /** Writes {@code bytes} right after the last record (at the end of a grown file, over zeros otherwise). */
    private void writeAfterData(byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), dataEnd);
        }
    }

    private static void assertZerosFrom(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long pos = offset; pos < ch.size(); ) {
                buf.clear();
                int n = ch.read(buf, pos);
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        throw new AssertionError("non-zero byte at " + (pos + i) + " after the data at " + offset);
                    }
                }
                pos += n;
            }
        }
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
