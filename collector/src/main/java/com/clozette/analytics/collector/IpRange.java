package com.clozette.analytics.collector;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address or CIDR block, such as {@code 10.0.0.0/8}, {@code 127.0.0.1} or {@code fd00::/8}: how
 * trusted proxies are configured. Parsing never resolves a host name: only literals are accepted.
 */
public final class IpRange {
  private final byte[] network;
  private final int prefixBits;
  private final String text;

  private IpRange(byte[] network, int prefixBits, String text) {
    this.network = network;
    this.prefixBits = prefixBits;
    this.text = text;
  }

  /**
   * Parses {@code ADDRESS} or {@code ADDRESS/PREFIX}.
   *
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  public static IpRange parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block such as 10.0.0.0/8");
    }
    int maxBits = bytes.length * 8;
    int prefix = maxBits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > maxBits) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + maxBits);
      }
    }
    return new IpRange(mask(bytes, prefix), prefix, trimmed);
  }

  /** Whether the address (a literal as Vert.x or X-Forwarded-For gives it) lies in this range. */
  public boolean contains(String address) {
    byte[] bytes = literal(address);
    return bytes != null && bytes.length == network.length && Arrays.equals(mask(bytes, prefixBits), network);
  }

  /**
   * The bytes of an IPv4 or IPv6 literal (an IPv6 one may be bracketed), or null when the text is
   * anything else. IPv4 is parsed here because {@link InetAddress#getByName} would resolve a
   * malformed one such as {@code 1.2.3.4.5} through DNS; text with a colon is only ever parsed as
   * an IPv6 literal by it.
   */
  public static byte[] literal(String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    if (address.indexOf(':') < 0) {
      return ipv4(address);
    }
    String inner = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
      if (!ok) {
        return null;
      }
    }
    if (inner.indexOf(':') < 0) {
      return null;
    }
    try {
      return InetAddress.getByName(inner).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] ipv4(String address) {
    byte[] bytes = new byte[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i <= address.length(); i++) {
      char c = i == address.length() ? '.' : address.charAt(i);
      if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return null;
        }
      } else if (c == '.' && value >= 0 && part < 4) {
        bytes[part++] = (byte) value;
        value = -1;
      } else {
        return null;
      }
    }
    return part == 4 ? bytes : null;
  }

  private static byte[] mask(byte[] bytes, int prefixBits) {
    byte[] masked = bytes.clone();
    for (int i = 0; i < masked.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefixBits - i * 8));
      masked[i] = (byte) (masked[i] & (0xff << (8 - bitsHere)));
    }
    return masked;
  }

  @Override
  public String toString() {
    return text;
  }
}
