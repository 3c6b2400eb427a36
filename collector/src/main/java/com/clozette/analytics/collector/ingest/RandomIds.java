package com.clozette.analytics.collector.ingest;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Opaque random ids of 128 bits, as 22 base64url characters.
 *
 * <p>A visitor id is handed to the browser in the visitor cookie and is the visitor's identity, so it
 * comes from a cryptographic generator: seeing one's own cookie must not tell another visitor's.
 * Visitor ids come from here and from nothing else, so they carry no personal data. One generator per
 * thread: the platform's default SecureRandom reads /dev/urandom under a lock that every event loop
 * would contend for.
 *
 * <p>An event id only tells a stored event from a retried copy of it (the store de-duplicates by
 * site and id); it is never sent to a client. It needs uniqueness, not secrecy, and is minted for
 * nearly every beacon, where the DRBG cost 7% of the event loop (issue 11): it comes from a
 * SplittableRandom per thread seeded from SecureRandom. Each such stream runs 2^64 distinct values
 * before it repeats, and streams start at independent random points.
 */
final class RandomIds {
  private static final int BYTES = 16;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<SecureRandom> SECURE = ThreadLocal.withInitial(RandomIds::newGenerator);
  private static final ThreadLocal<SplittableRandom> FAST = ThreadLocal.withInitial(
      () -> new SplittableRandom(SECURE.get().nextLong()));

  private RandomIds() {}

  /** A visitor id: unpredictable. */
  static String visitorId() {
    byte[] bytes = new byte[BYTES];
    SECURE.get().nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /** An event id: unique, cheap, not secret. */
  static String eventId() {
    SplittableRandom random = FAST.get();
    return BASE64URL.encodeToString(ByteBuffer.allocate(BYTES).putLong(random.nextLong()).putLong(random.nextLong()).array());
  }

  private static SecureRandom newGenerator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
