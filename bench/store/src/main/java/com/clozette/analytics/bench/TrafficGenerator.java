package com.clozette.analytics.bench;

import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.EventCodec;
import com.clozette.analytics.event.EventType;
import com.clozette.analytics.event.Platform;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Synthetic traffic in arrival (time) order, shaped like the real thing: visitors drawn with a
 * skew so some return often, sessions of a few pageviews seconds to minutes apart ending in a page-
 * leave ping, a daily rhythm, page popularity following a power law, a tenth of events from the app.
 * Deterministic for a seed. Streams: memory holds only the sessions still open.
 */
public final class TrafficGenerator implements Iterator<Event> {
  private static final long MINUTE = 60_000;
  private static final String[] SECTIONS = {"looks", "closet", "shop", "beauty", "blog", "trending"};
  private static final String[] WEB_UA = {
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"};
  private static final String APP_UA = "ClozetteApp/5.2.1 (Android 13; Redmi Note 12)";

  private final String site;
  private final long start;
  private final long minutes;
  private final int visitors;
  private final double sessionsPerMinute;
  private final SplittableRandom random;
  private final PriorityQueue<Event> open = new PriorityQueue<>((a, b) -> Long.compare(a.ts(), b.ts()));
  private long minute;
  private long nextId;

  /**
   * Writes the traffic as import NDJSON (one stored-form event per line) and returns how many events
   * it wrote.
   */
  public static long writeNdjson(Path file, String site, long startMillis, int days, int visitors, long events, long seed)
      throws IOException {
    long written = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      TrafficGenerator traffic = new TrafficGenerator(site, startMillis, days, visitors, events, seed);
      while (traffic.hasNext()) {
        out.write(EventCodec.encode(traffic.next()));
        out.write('\n');
        written++;
      }
    }
    return written;
  }

  /**
   * @param events about how many events to generate over {@code days}
   */
  TrafficGenerator(String site, long startMillis, int days, int visitors, long events, long seed) {
    this.site = site;
    this.start = startMillis;
    this.minutes = days * 24L * 60;
    this.visitors = visitors;
    this.sessionsPerMinute = events / 5.0 / minutes;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public boolean hasNext() {
    while (open.isEmpty() || open.peek().ts() >= start + minute * MINUTE) {
      if (minute >= minutes) {
        return !open.isEmpty();
      }
      startSessions(minute++);
    }
    return true;
  }

  @Override
  public Event next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return open.poll();
  }

  private void startSessions(long minuteIndex) {
    double hourOfDay = (minuteIndex % (24 * 60)) / 60.0;
    double rhythm = 1 + 0.6 * Math.sin((hourOfDay - 9) / 24 * 2 * Math.PI);
    double expected = sessionsPerMinute * rhythm;
    int count = (int) expected + (random.nextDouble() < expected - (int) expected ? 1 : 0);
    for (int i = 0; i < count; i++) {
      session(start + minuteIndex * MINUTE + random.nextLong(MINUTE));
    }
  }

  private void session(long ts) {
    int visitor = (int) Math.floor(visitors * Math.pow(random.nextDouble(), 1.6));
    boolean app = visitor % 10 == 0;
    // Multiplying by an odd constant modulo 2^32 is a bijection: distinct visitors, random-looking ids.
    String vid = String.format("%s%08x", app ? "app-" : "", (visitor * 2654435761L) & 0xffffffffL);
    String ua = app ? APP_UA : WEB_UA[visitor % WEB_UA.length];
    int pageviews = random.nextDouble() < 0.4 ? 1 : 2 + (int) (random.nextDouble() * random.nextDouble() * 16);
    long t = ts;
    for (int i = 0; i < pageviews; i++) {
      String path = page();
      String url = app ? "app://clozette" + path : "https://www.clozette.co.id" + path;
      open.add(new Event("e" + (nextId++), site, EventType.PAGEVIEW, t, vid, url, i == 0 && random.nextDouble() < 0.3 ? "https://www.google.com/" : null,
          ua, app ? Platform.APP : Platform.WEB, null, null, false, null, app ? "Phone" : "Desktop", app ? "ClozetteApp" : "Chrome", "Android", null));
      t += 5_000 + random.nextLong(240_000);
    }
    open.add(new Event("e" + (nextId++), site, EventType.PING, t - 5_000 + random.nextLong(60_000), vid, null, null,
        ua, app ? Platform.APP : Platform.WEB, null, null, false, null, app ? "Phone" : "Desktop", app ? "ClozetteApp" : "Chrome", "Android", null));
  }

  private String page() {
    double u = random.nextDouble();
    if (u < 0.12) {
      return "/";
    }
    int rank = (int) Math.floor(2000 * Math.pow(random.nextDouble(), 2.5));
    return "/" + SECTIONS[rank % SECTIONS.length] + "/" + rank + "-item";
  }
}
