package com.clozette.analytics.aggregator.store;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * A 128-bit MurmurHash3 of a (site, text) pair: how the store recognises an event id or a visitor
 * id without an index over random strings. Two different pairs share a key with probability about
 * n^2 / 2^129 (below 1e-20 for a billion events), so a key is taken as the pair itself.
 */
record Key128(long high, long low) {
  static Key128 of(String site, String text) {
    byte[] siteBytes = site.getBytes(StandardCharsets.UTF_8);
    byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] joined = new byte[siteBytes.length + 1 + textBytes.length];
    System.arraycopy(siteBytes, 0, joined, 0, siteBytes.length);
    System.arraycopy(textBytes, 0, joined, siteBytes.length + 1, textBytes.length);
    long[] hash = MurmurHash3.hash128x64(joined);
    return new Key128(hash[0], hash[1]);
  }
}
