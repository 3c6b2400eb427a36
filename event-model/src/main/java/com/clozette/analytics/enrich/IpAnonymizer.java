package com.clozette.analytics.enrich;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Anonymises a client address before anything is stored: IPv4 keeps its first three octets
 * (the last is zeroed), IPv6 its first 48 bits (the last 80 are zeroed). An IPv6 address that
 * carries a client's IPv4 address is anonymised as that IPv4 address, written in IPv4 form: its
 * first 48 bits would otherwise keep the whole IPv4 address (6to4) or its last bits would (Teredo,
 * IPv4-mapped, IPv4-compatible, NAT64). The raw address never leaves this method.
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
    if (bytes.length == 16) {
      byte[] embedded = embeddedIpv4(bytes);
      if (embedded != null) {
        bytes = embedded;
      }
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

  /**
   * The client IPv4 address an IPv6 address carries, or null when it carries none:
   * <ul>
   *   <li>6to4 {@code 2002:AABB:CCDD::/48}: the IPv4 address is bits 16 to 47;
   *   <li>Teredo {@code 2001:0000::/32}: the last 32 bits are the client's IPv4 address XOR 0xffffffff;
   *   <li>NAT64 {@code 64:ff9b::/96}, IPv4-mapped {@code ::ffff:0:0/96} and IPv4-compatible
   *       {@code ::/96}: the last 32 bits. For {@code ::/96} only when the first octet is not 0, so
   *       that {@code ::} and {@code ::1} stay IPv6 (0.0.0.0/8 is no client's address).
   * </ul>
   */
  private static byte[] embeddedIpv4(byte[] v6) {
    if (v6[0] == 0x20 && v6[1] == 0x02) {
      return new byte[] {v6[2], v6[3], v6[4], v6[5]};
    }
    if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0) {
      return new byte[] {(byte) ~v6[12], (byte) ~v6[13], (byte) ~v6[14], (byte) ~v6[15]};
    }
    boolean nat64 = v6[0] == 0 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b && zero(v6, 4, 12);
    boolean mapped = zero(v6, 0, 10) && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    boolean compatible = zero(v6, 0, 12) && v6[12] != 0;
    if (nat64 || mapped || compatible) {
      return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
    return null;
  }

  private static boolean zero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
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
