package com.clozette.analytics.collector.ingest;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

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
 * site and id); it is never sent to a client, but it must not be guessable either (an id known in
 * advance could pre-empt another visitor's event as a "copy"). It is minted for nearly every beacon,
 * where a DRBG call per id cost 7% of the event loop (issue 11): the same DRBG fills a per-thread
 * buffer of {@link #BUFFER} bytes at once, and each id takes the next 16.
 */
final class RandomIds {
  private static final int BYTES = 16;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<SecureRandom> SECURE = ThreadLocal.withInitial(RandomIds::newGenerator);
  /** 256 event ids per DRBG call. */
  private static final int BUFFER = 4096;
  private static final ThreadLocal<IdBuffer> EVENT_IDS = ThreadLocal.withInitial(IdBuffer::new);

  private RandomIds() {}

  /** A visitor id: unpredictable. */
  static String visitorId() {
    byte[] bytes = new byte[BYTES];
    SECURE.get().nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /** An event id: unique and unpredictable, at a fraction of a DRBG call. */
  static String eventId() {
    return EVENT_IDS.get().next();
  }

  /** One thread's DRBG bytes, drawn in bulk. */
  private static final class IdBuffer {
    private final byte[] bytes = new byte[BUFFER];
    private int next = BUFFER;

    String next() {
      if (next == BUFFER) {
        SECURE.get().nextBytes(bytes);
        next = 0;
      }
      String id = BASE64URL.encodeToString(Arrays.copyOfRange(bytes, next, next + BYTES));
      next += BYTES;
      return id;
    }
  }

  private static SecureRandom newGenerator() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
