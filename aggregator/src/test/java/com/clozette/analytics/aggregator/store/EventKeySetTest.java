package com.clozette.analytics.aggregator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The event key set answers as a plain set of the keys' 64 bits would, through its growth and for the zero key. */
class EventKeySetTest {
  @Test
  void holdsWhatAHashSetHoldsThroughGrowth() {
    EventKeySet keys = new EventKeySet();
    Set<String> reference = new HashSet<>();
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      String id = "e" + random.nextInt(30_000);
      Key128 key = Key128.of("clozette-id", id);
      assertEquals(reference.contains(id), keys.contains(key), id);
      keys.add(key);
      reference.add(id);
    }
    assertEquals(reference.size(), keys.size());
    assertFalse(keys.contains(Key128.of("clozette-sg", "e1")), "the site is part of the key");
  }

  @Test
  void aKeyWhoseBitsAreZeroIsHeldToo() {
    EventKeySet keys = new EventKeySet();
    assertFalse(keys.contains(new Key128(0, 5)));
    keys.add(new Key128(0, 5));
    assertTrue(keys.contains(new Key128(0, 5)));
    assertEquals(1, keys.size());
  }
}
