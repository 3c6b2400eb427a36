package com.clozette.analytics.collector.ingest;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Opaque random ids: 128 bits from a cryptographic generator, as 22 base64url characters. Visitor
 * ids come from here and from nothing else, so they carry no personal data. One generator per
 * thread: the default SecureRandom of the platform reads /dev/urandom under a lock that every event
 * loop would contend for.
 */
final class RandomIds {
  private static final int BYTES = 16;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(RandomIds::newGenerator);

  private RandomIds() {}

  static String next() {
    byte[] bytes = new byte[BYTES];
    RANDOM.get().nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  private static SecureRandom newGenerator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
