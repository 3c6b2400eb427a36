package com.clozette.analytics.aggregator.store;

/**
 * An open-addressing map from {@link Key128} to an int, in four flat arrays (21 bytes a slot, kept
 * at most 3/4 full): the store's visitor dictionary (value = visitor number; event ids, which need
 * no value, are in {@link EventKeySet}). Not thread-safe: the store's single writer owns it.
 */
final class KeyTable {
  private static final int MIN_CAPACITY = 1 << 10;
  private long[] highs;
  private long[] lows;
  private int[] values;
  private boolean[] used;
  private int size;

  KeyTable() {
    allocate(MIN_CAPACITY);
  }

  int size() {
    return size;
  }

  /** The value of the key, or -1 when it is absent. */
  int get(Key128 key) {
    int slot = find(key.high(), key.low());
    return used[slot] ? values[slot] : -1;
  }

  boolean contains(Key128 key) {
    return used[find(key.high(), key.low())];
  }

  /** Puts the key with its value (replacing any). */
  void put(Key128 key, int value) {
    if ((size + 1) * 4L > highs.length * 3L) {
      grow();
    }
    int slot = find(key.high(), key.low());
    if (!used[slot]) {
      used[slot] = true;
      highs[slot] = key.high();
      lows[slot] = key.low();
      size++;
    }
    values[slot] = value;
  }

  private int find(long high, long low) {
    int mask = highs.length - 1;
    int slot = SlotHash.slot(high, mask);
    while (used[slot] && (highs[slot] != high || lows[slot] != low)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldHighs = highs;
    long[] oldLows = lows;
    int[] oldValues = values;
    boolean[] oldUsed = used;
    int oldSize = size;
    allocate(oldHighs.length * 2);
    size = oldSize;
    for (int i = 0; i < oldHighs.length; i++) {
      if (oldUsed[i]) {
        int slot = find(oldHighs[i], oldLows[i]);
        used[slot] = true;
        highs[slot] = oldHighs[i];
        lows[slot] = oldLows[i];
        values[slot] = oldValues[i];
      }
    }
  }

  private void allocate(int capacity) {
    highs = new long[capacity];
    lows = new long[capacity];
    values = new int[capacity];
    used = new boolean[capacity];
    size = 0;
  }
}
