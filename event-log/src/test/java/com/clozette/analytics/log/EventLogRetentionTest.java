package com.clozette.analytics.log;

import static com.clozette.analytics.log.LogTestSupport.ids;
import static com.clozette.analytics.log.LogTestSupport.payload;
import static com.clozette.analytics.log.LogTestSupport.readAll;
import static com.clozette.analytics.log.LogTestSupport.segmentFiles;
import static com.clozette.analytics.log.LogTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class EventLogRetentionTest {

    private static final LogSettings SETTINGS = settings().withSegmentBytes(4096).withRetention(Duration.ofDays(7));

    @TempDir
    Path dir;

    private EventLog log;
    /** Position after record i. */
    private final List<LogPosition> ends = new ArrayList<>();

    @BeforeEach
    void fill() throws IOException {
        log = EventLog.open(dir, SETTINGS);
        for (int i = 0; i < 60; i++) {
            ends.add(log.append(payload(i)).join());
        }
        assertTrue(log.end().segment() >= 6, "enough segments: " + log.end());
    }

    @AfterEach
    void close() {
        log.close();
    }

    private void age(long segment, Duration age) throws IOException {
        Files.setLastModifiedTime(RecordFormat.path(dir, segment), FileTime.from(Instant.now().minus(age)));
    }

    private void ageAll(Duration age) throws IOException {
        for (long s = 0; s <= log.end().segment(); s++) {
            age(s, age);
        }
    }

    private List<Long> segmentNumbers() throws IOException {
        List<Long> numbers = new ArrayList<>();
        for (Path p : segmentFiles(dir)) {
            numbers.add(RecordFormat.parseFileName(p.getFileName().toString()));
        }
        return numbers;
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        List<Long> r = new ArrayList<>();
        for (long i = fromInclusive; i <= toInclusive; i++) {
            r.add(i);
        }
        return r;
    }

    private LogPosition endOfSegment(long segment) {
        LogPosition last = null;
        for (LogPosition p : ends) {
            if (p.segment() == segment) {
                last = p;
            }
        }
        return last;
    }

    @Test
    void releasedSegmentsOlderThanRetentionAreDeletedAndNothingElse() throws Exception {
        long active = log.end().segment();

        // Released but not old enough: nothing is deleted.
        log.release(new LogPosition(2, 0));
        assertEquals(range(0, active), segmentNumbers());

        // Everything old, released up to the start of segment 2: only 0 and 1 go.
        ageAll(Duration.ofDays(8));
        log.release(new LogPosition(2, 0));
        assertEquals(range(2, active), segmentNumbers());
        assertEquals(active - 1, log.stats().segments());

        // A release behind the current one changes nothing.
        log.release(LogPosition.START);
        assertEquals(range(2, active), segmentNumbers());

        // The consumer has read to the last byte of segment 2: it is wholly released.
        log.release(endOfSegment(2));
        assertEquals(range(3, active), segmentNumbers());

        // Segment 4 is young: 3 goes, deletion stops at 4 (no holes), later ones stay too.
        age(4, Duration.ofDays(1));
        log.release(log.end());
        assertEquals(range(4, active), segmentNumbers());

        // Once 4 is old too, everything released goes except the active segment, old as it is.
        age(4, Duration.ofDays(8));
        log.release(log.end());
        assertEquals(List.of(active), segmentNumbers());
        assertEquals(new LogPosition(active, 0), log.start());

        // The log still works and the remaining records are there.
        log.append(payload(1000)).join();
        List<Long> remaining = ids(readAll(log, LogPosition.START));
        assertEquals(1000L, remaining.get(remaining.size() - 1));
    }

    @Test
    void unreleasedSegmentsAreKeptHoweverOld() throws Exception {
        ageAll(Duration.ofDays(30));
        log.release(new LogPosition(0, ends.get(0).offset())); // inside segment 0
        assertEquals(range(0, log.end().segment()), segmentNumbers());
    }

    @Test
    void readerAtADeletedSegmentStartsAtTheOldestRemaining() throws Exception {
        ageAll(Duration.ofDays(8));
        log.release(new LogPosition(3, 0));
        assertEquals(3L, segmentNumbers().get(0));

        List<LogRecord> records = readAll(log, LogPosition.START);
        assertEquals(new LogPosition(3, 0), records.get(0).position());
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < ends.size(); i++) {
            if (ends.get(i).segment() >= 3) { // a record ends in the segment it is in
                expected.add((long) i);
            }
        }
        assertEquals(expected, ids(records));
    }

    @Test
    void readerWhoseNextSegmentsWereDeletedContinuesAtTheOldestRemaining() throws Exception {
        try (LogReader reader = log.openReader(LogPosition.START)) {
            List<LogRecord> first = reader.poll(1, Duration.ZERO);
            assertEquals(List.of(0L), ids(first));
            ageAll(Duration.ofDays(8));
            log.release(new LogPosition(3, 0)); // deletes 0, 1 and 2 under the reader

            List<LogRecord> rest = new ArrayList<>();
            for (List<LogRecord> batch; !(batch = reader.poll(100, Duration.ZERO)).isEmpty(); ) {
                rest.addAll(batch);
            }
            List<Long> expected = new ArrayList<>();
            for (int i = 1; i < ends.size(); i++) {
                long segment = ends.get(i).segment();
                // The rest of segment 0 was already open (or buffered); 1 and 2 are gone.
                if (segment == 0 || segment >= 3) {
                    expected.add((long) i);
                }
            }
            assertEquals(expected, ids(rest));
            assertEquals(log.end(), reader.position());
        }
    }
}
