package com.clozette.analytics.aggregator.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines of an import gathered for one parse and one store: full at a number of lines or of bytes,
 * whichever comes first, so memory is bounded by bytes whatever the lines' lengths.
 */
final class Chunk {
  private final int maxLines;
  private final long maxBytes;
  private List<byte[]> lines = new ArrayList<>();
  private long bytes;

  Chunk(int maxLines, long maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  /** Adds a line (null: one over the line limit, its bytes already skipped); true when the chunk is full. */
  boolean add(byte[] line) {
    lines.add(line);
    bytes += line == null ? 0 : line.length;
    return lines.size() >= maxLines || bytes >= maxBytes;
  }

  /** The lines gathered so far; the chunk starts empty again. */
  List<byte[]> drain() {
    List<byte[]> drained = lines;
    lines = new ArrayList<>();
    bytes = 0;
    return drained;
  }
}
