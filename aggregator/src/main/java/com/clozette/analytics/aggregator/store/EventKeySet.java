package com.clozette.analytics.aggregator.store;

/**
 * A set of event keys in one flat {@code long[]} (open addressing, at most 3/4 full: 11 to 21 bytes
 * a key), holding 64 of each {@link Key128}'s 128 bits. Over the millions of events of a
 * de-duplication window two events share 64 bits with probability about n^2 / 2^65 (below 1e-6 for
 * 5 million), where the whole key would cost two and a half times the memory; such a pair would
 * drop the second event as a copy of the first. Not thread-safe: the store's single writer owns it.
 */
final class EventKeySet {
  private static final int MIN_CAPACITY = 1 << 10;
  /** Marks a free slot; a key whose bits are 0 is stored as {@link #ZERO_KEY}. */
  private static final long FREE = 0;
  private static final long ZERO_KEY = 1;
  private long[] slots = new long[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  boolean contains(Key128 key) {
    long bits = bits(key);
    return slots[find(slots, bits)] == bits;
  }

  void add(Key128 key) {
    if ((size + 1) * 4L > slots.length * 3L) {
      grow();
    }
    long bits = bits(key);
    int slot = find(slots, bits);
    if (slots[slot] == FREE) {
      slots[slot] = bits;
      size++;
    }
  }

  private static long bits(Key128 key) {
    return key.high() == FREE ? ZERO_KEY : key.high();
  }

  private static int find(long[] table, long bits) {
    int mask = table.length - 1;
    int slot = SlotHash.slot(bits, mask);
    while (table[slot] != FREE && table[slot] != bits) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] grown = new long[slots.length * 2];
    for (long bits : slots) {
      if (bits != FREE) {
        grown[find(grown, bits)] = bits;
      }
    }
    slots = grown;
  }
}
