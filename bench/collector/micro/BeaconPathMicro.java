package com.clozette.analytics.collector.ingest;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.event.EventParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Nanoseconds per beacon of each step of the pixel path that issue 11 changed, before and after, on
 * one thread after warm-up (best of 5 passes of 200,000), so that each change is measured apart from
 * a machine's load. "old" is the previous code restated here (Netty's decoder, a Jackson tree, the
 * parser over it, a second Event, a DRBG id, the JSON record); "new" calls the shipped code. It sits
 * in the collector's package to reach its package-private classes, so it runs on the class path:
 *
 * <pre>
 * javac -d /tmp/beacon-micro -cp server/target/clozette-analytics.jar bench/collector/micro/BeaconPathMicro.java
 * java -cp server/target/clozette-analytics.jar:/tmp/beacon-micro com.clozette.analytics.collector.ingest.BeaconPathMicro
 * </pre>
 */
public class BeaconPathMicro {
  static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  static final String PREFIX = "/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2Flooks%2F1&ref=https%3A%2F%2Fwww.google.com%2F&vid=bench-visitor-";
  static final Set<String> FIELDS = Set.of("id", "site", "type", "url", "ref", "vid", "name", "platform", "props");
  static final EventParser PARSER = new EventParser(new ObjectMapper(), Set.of("clozette-id"));
  static final BeaconReader READER = new BeaconReader(PARSER);
  static final SecureRandom DRBG;
  static { try { DRBG = SecureRandom.getInstance("DRBG"); } catch (Exception e) { throw new RuntimeException(e); } }
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  static long sink;

  /** The pixel path before issue 11: decoder map, ObjectNode, mutate, parse, second Event, DRBG id. */
  static Event oldPixel(String uri, RequestFacts facts) throws Exception {
    Map<String, List<String>> parameters = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 64, true).parameters();
    ObjectNode beacon = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
      if (FIELDS.contains(p.getKey())) {
        beacon.set(p.getKey(), JsonNodeFactory.instance.textNode(p.getValue().get(0)));
      }
    }
    beacon.put("type", "pageview");
    byte[] bytes = new byte[16];
    DRBG.nextBytes(bytes);
    beacon.put("id", B64.encodeToString(bytes));
    beacon.put("ts", facts.receivedAt());
    beacon.put("ua", facts.userAgent());
    return PARSER.parse(beacon).withIp(facts.ip());
  }

  static Event newPixel(String uri, RequestFacts facts) throws Exception {
    return READER.read(PixelQuery.parse(uri), facts, new VisitorIds(() -> null));
  }

  interface Op { long run(int i) throws Exception; }

  static double time(String name, int n, Op op) throws Exception {
    for (int w = 0; w < 3; w++) for (int i = 0; i < n; i++) sink += op.run(i);
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 5; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) sink += op.run(i);
      best = Math.min(best, (System.nanoTime() - t0) / (double) n);
    }
    System.out.printf("%-42s %8.0f ns/op%n", name, best);
    return best;
  }

  public static void main(String[] args) throws Exception {
    int n = 200_000;
    String[] uris = new String[1024];
    for (int i = 0; i < uris.length; i++) uris[i] = PREFIX + String.format("%04d", i * 97 % 200000);
    RequestFacts facts = new RequestFacts(1_764_000_000_000L, UA, "127.0.0.0", false);

    Event stored = newPixel(uris[0], facts);
    byte[] json = EventCodec.encode(stored);
    byte[] binary = EventCodec.encodeRecord(stored);
    System.out.println("record bytes: JSON " + json.length + ", binary " + binary.length);
    time("pixel query -> Event, old (map, tree, DRBG)", n, i -> oldPixel(uris[i & 1023], facts).ts());
    time("pixel query -> Event, new (one pass)", n, i -> newPixel(uris[i & 1023], facts).ts());
    time("encode stored JSON (old)", n, i -> EventCodec.encode(stored).length);
    time("encode binary record (new)", n, i -> EventCodec.encodeRecord(stored).length);
    time("decode JSON record (loader, old)", n, i -> EventCodec.decode(json).ts());
    time("decode binary record (loader, new)", n, i -> EventCodec.decode(binary).ts());
    time("event id, DRBG (old)", n, i -> { byte[] b = new byte[16]; DRBG.nextBytes(b); return B64.encodeToString(b).length(); });
    time("event id, DRBG drawn 4 KB at a time (new)", n, i -> RandomIds.eventId().length());
    System.out.println(sink == 42 ? "" : "done");
  }
}
