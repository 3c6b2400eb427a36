package com.clozette.analytics.aggregator.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * The visitors of each (site, hour) or (site, day) as a RoaringBitmap of visitor numbers: the union of a month of
 * hours is a few milliseconds of bitmap ORs, and its cardinality is the exact unique-visitor count.
 * The durable copy is the visitor_hours or visitor_days table, written in the batch's transaction; this in-memory
 * copy is replaced only after that transaction commits, and readers see whole bitmaps only.
 */
final class VisitorSets {
  record Key(String site, long bucket) {}

  private final Map<Key, RoaringBitmap> sets = new ConcurrentHashMap<>();

  void load(Key key, byte[] serialized) {
    sets.put(key, deserialize(serialized));
  }

  /** The bitmaps the batch's visitors give, as new objects: the live ones are not touched. */
  Map<Key, RoaringBitmap> withAdded(Map<Key, int[]> added) {
    Map<Key, RoaringBitmap> updated = new HashMap<>();
    for (Map.Entry<Key, int[]> entry : added.entrySet()) {
      RoaringBitmap current = sets.get(entry.getKey());
      RoaringBitmap next = current == null ? new RoaringBitmap() : current.clone();
      next.add(entry.getValue());
      next.runOptimize();
      updated.put(entry.getKey(), next);
    }
    return updated;
  }

  /** Publishes bitmaps whose transaction committed. */
  void publish(Map<Key, RoaringBitmap> committed) {
    sets.putAll(committed);
  }

  /** Adds the visitors of the buckets [fromBucket, toBucket) of a site to {@code union}. */
  void addUnion(RoaringBitmap union, String site, long fromBucket, long toBucket) {
    for (long bucket = fromBucket; bucket < toBucket; bucket++) {
      RoaringBitmap visitors = sets.get(new Key(site, bucket));
      if (visitors != null) {
        union.or(visitors);
      }
    }
  }

  static byte[] serialize(RoaringBitmap bitmap) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(bitmap.serializedSizeInBytes());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      bitmap.serialize(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static RoaringBitmap deserialize(byte[] bytes) {
    RoaringBitmap bitmap = new RoaringBitmap();
    try {
      bitmap.deserialize(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bitmap;
  }

  static int[] toIntArray(List<?> numbers) {
    int[] values = new int[numbers.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) numbers.get(i)).intValue();
    }
    return values;
  }
}
