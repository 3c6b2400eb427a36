package com.clozette.analytics.aggregator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds the principal of a bearer token. Tokens are configured as SHA-256 hashes, so the config
 * file holds no secret; the presented token is hashed and compared with every configured hash in
 * constant time, so neither timing nor early exit tells how close a guess was.
 */
public final class TokenAuthenticator {
  /** A configured token: the SHA-256 of its value, and whom it speaks for. */
  public record Grant(byte[] sha256, Principal principal) {}

  private final List<Grant> grants;

  public TokenAuthenticator(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  public Optional<Principal> authenticate(String token) {
    byte[] presented = sha256(token);
    Principal found = null;
    for (Grant grant : grants) {
      if (MessageDigest.isEqual(grant.sha256(), presented) && found == null) {
        found = grant.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }
}
