package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.collector.IpRange;
import com.clozette.analytics.enrich.IpAnonymizer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is, as far as the collector may believe it: the connection's peer, unless the peer
 * is a configured trusted proxy, in which case the nearest untrusted hop of {@code X-Forwarded-For}.
 * Anyone can send that header, so it is read only from trusted peers. The address leaves this class
 * anonymised; the raw one is never stored or logged.
 */
final class ClientAddress {
  private final List<IpRange> trustedProxies;

  ClientAddress(List<IpRange> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  /** The client's address anonymised (see {@link IpAnonymizer}), or null when it is not an IP literal. */
  String anonymized(HttpServerRequest request) {
    String peer = peer(request);
    if (peer == null) {
      return null;
    }
    if (!isTrusted(peer)) {
      return IpAnonymizer.anonymize(peer);
    }
    List<String> forwarded = request.headers().getAll("X-Forwarded-For");
    if (forwarded.isEmpty()) {
      return IpAnonymizer.anonymize(peer);
    }
    byte[] client = IpRange.literal(withoutPort(nearestUntrustedHop(forwarded)));
    if (client == null) {
      return null;
    }
    try {
      // Canonical text from the parsed bytes: IpAnonymizer then never sees header text it might resolve.
      return IpAnonymizer.anonymize(InetAddress.getByAddress(client).getHostAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether the client reached us over HTTPS, directly or (per a trusted proxy) through the proxy. */
  boolean isHttps(HttpServerRequest request) {
    if (request.isSSL()) {
      return true;
    }
    String peer = peer(request);
    String proto = request.getHeader("X-Forwarded-Proto");
    if (peer == null || proto == null || !isTrusted(peer)) {
      return false;
    }
    int comma = proto.indexOf(',');
    return (comma < 0 ? proto : proto.substring(0, comma)).trim().equalsIgnoreCase("https");
  }

  private static String peer(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  private boolean isTrusted(String address) {
    for (IpRange range : trustedProxies) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Each proxy appends the address it saw, so walk from the right past our own proxies. */
  private String nearestUntrustedHop(List<String> headers) {
    List<String> hops = new ArrayList<>();
    for (String header : headers) {
      for (String hop : header.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.trim());
        }
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (!isTrusted(withoutPort(hop))) {
        return hop;
      }
    }
    return hops.isEmpty() ? null : hops.get(0);
  }

  /** {@code 1.2.3.4:80} and {@code [2001:db8::1]:80} are how some proxies write a hop. */
  private static String withoutPort(String hop) {
    if (hop == null) {
      return null;
    }
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close < 0 ? hop : hop.substring(1, close);
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }
}
