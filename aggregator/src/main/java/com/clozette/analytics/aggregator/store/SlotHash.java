package com.clozette.analytics.aggregator.store;

import java.security.SecureRandom;

/**
 * Where a key starts probing in the store's open-addressing tables. Keys are hashes of ids that
 * clients choose; with a fixed function a client could search offline for ids whose slots crowd
 * together and make every probe long. A secret seed drawn at start makes the slots unpredictable.
 */
final class SlotHash {
  private static final long SEED = new SecureRandom().nextLong();
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private SlotHash() {}

  /** The first slot of a key's 64 bits in a table of this mask (a power of two, less one). */
  static int slot(long bits, int mask) {
    return (int) (((bits ^ SEED) * GOLDEN) >>> 32) & mask;
  }
}
