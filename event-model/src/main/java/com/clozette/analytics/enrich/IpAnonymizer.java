package com.clozette.analytics.enrich;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Anonymises a client address before anything is stored: IPv4 keeps its first three octets
 * (the last is zeroed), IPv6 its first 48 bits (the last 80 are zeroed). The raw address never
 * leaves this method.
 */
public final class IpAnonymizer {
  private IpAnonymizer() {}

  /** Returns the anonymised address text, or null when the input is not a literal IP address. */
  public static String anonymize(String address) {
    if (address == null || address.isEmpty() || !looksLikeIpLiteral(address)) {
      return null;
    }
    String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    byte[] bytes;
    try {
      // A literal never triggers a DNS lookup: looksLikeIpLiteral admits only hex digits, '.', ':'.
      bytes = InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
    int keep = bytes.length == 4 ? 3 : 6;
    for (int i = keep; i < bytes.length; i++) {
      bytes[i] = 0;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Only literals reach InetAddress: an IPv4 dotted quad, or IPv6 (it has a colon); never a host name. */
  private static boolean looksLikeIpLiteral(String address) {
    boolean ipv6 = address.indexOf(':') >= 0;
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      boolean ok = ipv6
          ? digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' || c == '[' || c == ']'
          : digit || c == '.';
      if (!ok) {
        return false;
      }
    }
    return ipv6 || address.indexOf('.') >= 0;
  }
}
