package com.clozette.analytics.log;

import static com.clozette.analytics.log.LogTestSupport.ids;
import static com.clozette.analytics.log.LogTestSupport.payload;
import static com.clozette.analytics.log.LogTestSupport.readAll;
import static com.clozette.analytics.log.LogTestSupport.segmentFiles;
import static com.clozette.analytics.log.LogTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Segments written full of zeros before use, so that an append's fdatasync flushes data only. */
@Timeout(30)
class EventLogPreallocationTest {

    private static final long SEGMENT_BYTES = 4096;

    @TempDir
    Path dir;

    @Test
    void theActiveSegmentIsFullSizeFromItsCreationAndASealedOneEndsAtItsLastRecord() throws Exception {
        LogSettings s = settings().withSegmentBytes(SEGMENT_BYTES).withPreallocate(true);
        Map<Long, Long> lastEndInSegment = new HashMap<>();
        try (EventLog log = EventLog.open(dir, s)) {
            assertEquals(SEGMENT_BYTES, Files.size(RecordFormat.path(dir, 0)), "preallocated on open");
            for (int i = 0; i < 60; i++) {
                LogPosition end = log.append(payload(i)).join();
                lastEndInSegment.put(end.segment(), end.offset());
                assertEquals(SEGMENT_BYTES, Files.size(RecordFormat.path(dir, end.segment())),
                        "active segment " + end.segment() + " preallocated");
            }
            long active = log.end().segment();
            assertTrue(active >= 5, "rotated several times: " + active);
            for (long segment = 0; segment < active; segment++) {
                assertEquals(lastEndInSegment.get(segment), Files.size(RecordFormat.path(dir, segment)),
                        "sealed segment " + segment + " truncated to its data");
            }
            assertEquals(active + 1, segmentFiles(dir).size());
            assertEquals(expectedIds(60), ids(readAll(log, LogPosition.START)));
        }
        assertFalse(Files.exists(dir.resolve(RecordFormat.NEXT_SEGMENT)), "the prepared next segment is removed");
    }

    @Test
    void aLogWrittenWithoutPreallocationOpensReadsAndGoesOnPreallocated() throws Exception {
        LogSettings grown = settings().withSegmentBytes(SEGMENT_BYTES).withPreallocate(false);
        LogSettings preallocated = grown.withPreallocate(true);
        LogPosition endBefore;
        try (EventLog log = EventLog.open(dir, grown)) {
            for (int i = 0; i < 30; i++) {
                log.append(payload(i)).join();
            }
            endBefore = log.end();
        }
        Path lastBefore = RecordFormat.path(dir, endBefore.segment());
        assertEquals(endBefore.offset(), Files.size(lastBefore), "written the old way: the file ends at the data");

        try (EventLog log = EventLog.open(dir, preallocated)) {
            assertEquals(endBefore, log.end());
            assertEquals(0, log.stats().recoveredTruncatedBytes());
            assertEquals(SEGMENT_BYTES, Files.size(lastBefore), "the active segment is extended with zeros");
            assertEquals(expectedIds(30), ids(readAll(log, LogPosition.START)));
            for (int i = 30; i < 60; i++) {
                log.append(payload(i)).join();
            }
            assertTrue(log.end().segment() > endBefore.segment());
            assertEquals(expectedIds(60), ids(readAll(log, LogPosition.START)));
        }
        try (EventLog log = EventLog.open(dir, grown)) {
            assertEquals(expectedIds(60), ids(readAll(log, LogPosition.START)), "and switched off again");
        }
    }

    private static List<Long> expectedIds(int n) {
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            ids.add(i);
        }
        return ids;
    }
}
