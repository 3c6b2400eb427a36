package com.clozette.analytics.aggregator.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** An import chunk is full at its line count or its byte count, whichever comes first. */
class ChunkTest {
  @Test
  void longLinesFillAChunkByBytesLongBeforeItsLineCount() {
    Chunk chunk = new Chunk(20_000, 1 << 20);
    byte[] line = new byte[Importer.MAX_LINE_BYTES];
    int added = 0;
    boolean full = false;
    while (!full) {
      full = chunk.add(line);
      added++;
    }
    assertEquals(16, added, "1 MB of 64 KB lines");
    assertEquals(16, chunk.drain().size());
    assertFalse(chunk.add(line), "a drained chunk starts empty");
  }

  @Test
  void shortLinesFillAChunkByLineCount() {
    Chunk chunk = new Chunk(3, 1 << 20);
    byte[] line = "{}".getBytes();
    assertFalse(chunk.add(line));
    assertFalse(chunk.add(null), "a line over the limit counts as a line, not as bytes");
    assertTrue(chunk.add(line));
    assertEquals(Arrays.asList(line, null, line), chunk.drain());
  }
}
