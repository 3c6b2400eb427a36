package com.clozette.analytics.aggregator.importer;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines on {@code \n} (a trailing {@code \r} is dropped), whatever the
 * buffer boundaries. A line over the limit is handed on as null and its bytes are skipped rather
 * than buffered, so one hostile line cannot take the heap.
 */
public final class LineSplitter {
  private final int maxLineBytes;
  private final Consumer<byte[]> lines;
  private final ByteArrayOutputStream current = new ByteArrayOutputStream(1024);
  private boolean oversized;

  public LineSplitter(int maxLineBytes, Consumer<byte[]> lines) {
    this.maxLineBytes = maxLineBytes;
    this.lines = lines;
  }

  public void feed(byte[] bytes) {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        append(bytes, start, i - start);
        emit();
        start = i + 1;
      }
    }
    append(bytes, start, bytes.length - start);
  }

  /** Hands on the last line when the input does not end with a newline. */
  public void end() {
    if (current.size() > 0 || oversized) {
      emit();
    }
  }

  private void append(byte[] bytes, int offset, int length) {
    if (oversized || length == 0) {
      return;
    }
    if (current.size() + length > maxLineBytes) {
      oversized = true;
      current.reset();
      return;
    }
    current.write(bytes, offset, length);
  }

  private void emit() {
    if (oversized) {
      lines.accept(null);
    } else {
      byte[] line = current.toByteArray();
      int length = line.length;
      if (length > 0 && line[length - 1] == '\r') {
        line = java.util.Arrays.copyOf(line, length - 1);
      }
      lines.accept(line);
    }
    current.reset();
    oversized = false;
  }
}
