package com.clozette.analytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.golden.GoldenData;
import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.LogPosition;
import com.clozette.analytics.log.LogSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped system starts again on its data dir with the same reports, and a torn log recovers. */
class RestartTest {
  @TempDir Path dataDir;
  @TempDir Path referenceDir;

  @Test
  void restartOnTheSameDataDirGivesTheSameReports() {
    try (TestSystem first = TestSystem.start(dataDir)) {
      first.importNdjson(GoldenData.eventsNdjson());
    }
    try (TestSystem second = TestSystem.start(dataDir)) {
      for (GoldenData.Query query : GoldenData.queries()) {
        GoldenData.assertMatches(query.expected(), second.report(query.queryString()));
      }
    }
  }

  @Test
  void eventLogWithATornLastRecordIsLoadedUpToTheLastWholeRecord() throws Exception {
    List<Event> events = GoldenData.acceptedEvents();
    Path logDir = dataDir.resolve("log");
    LogPosition end;
    try (EventLog log = EventLog.open(logDir, LogSettings.defaults())) {
      List<byte[]> records = new ArrayList<>();
      for (Event event : events) {
        records.add(EventCodec.encode(event));
      }
      end = log.append(records).get();
    }
    tearLastRecord(logDir, end, EventCodec.encode(events.get(events.size() - 1)).length);

    try (TestSystem recovered = TestSystem.start(dataDir); TestSystem reference = TestSystem.start(referenceDir)) {
      recovered.server().awaitLoaded(Duration.ofSeconds(30));
      reference.importNdjson(ndjson(events.subList(0, events.size() - 1)));
      for (GoldenData.Query query : GoldenData.queries()) {
        assertEquals(reference.report(query.queryString()), recovered.report(query.queryString()), query.toString());
      }
      JsonNode week = recovered.report(GoldenData.queries().get(0).queryString());
      assertTrue(week.get("pageviews").asLong() > 0);
    }
  }

  @Test
  void eventLogWrittenAsJsonBeforeTheBinaryRecordStillLoads() throws Exception {
    // An upgrade: the log holds the JSON records an older collector wrote, then the binary records of this one.
    List<Event> events = GoldenData.acceptedEvents();
    int upgradeAt = events.size() / 2;
    Path logDir = dataDir.resolve("log");
    try (EventLog log = EventLog.open(logDir, LogSettings.defaults())) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        records.add(i < upgradeAt ? EventCodec.encode(events.get(i)) : EventCodec.encodeRecord(events.get(i)));
      }
      log.append(records).get();
    }

    try (TestSystem upgraded = TestSystem.start(dataDir); TestSystem reference = TestSystem.start(referenceDir)) {
      upgraded.server().awaitLoaded(Duration.ofSeconds(30));
      reference.importNdjson(ndjson(events));
      for (GoldenData.Query query : GoldenData.queries()) {
        assertEquals(reference.report(query.queryString()), upgraded.report(query.queryString()), query.toString());
        GoldenData.assertMatches(query.expected(), upgraded.report(query.queryString()));
      }
    }
  }

  /**
   * Zeroes the second half of the last record, as a crash mid-write leaves it in a preallocated segment (the file
   * goes on past {@code end}: its size is not the end of the data).
   */
  private static void tearLastRecord(Path logDir, LogPosition end, int lastPayloadBytes) throws IOException {
    Path last;
    try (Stream<Path> segments = Files.list(logDir)) {
      last = segments.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
      int torn = lastPayloadBytes / 2;
      channel.write(ByteBuffer.allocate(torn), end.offset() - torn);
    }
  }

  private static byte[] ndjson(List<Event> events) {
    StringBuilder text = new StringBuilder();
    for (Event event : events) {
      text.append(new String(EventCodec.encode(event), StandardCharsets.UTF_8)).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}
