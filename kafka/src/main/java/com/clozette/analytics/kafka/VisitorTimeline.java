package com.clozette.analytics.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The counted events of one visitor in (ts, id) order, and the sessions they make by RULES.md:
 * a gap of more than the session gap starts a new session, a run without a pageview is not one.
 *
 * <p>Why re-sessionising from the timeline is exact: the sessions of a visitor are a function of its
 * set of counted events alone. Adding an event and diffing the sessions before and after gives
 * exactly the rows to retract and to add, whatever order events arrive in. Only the sessions within
 * one gap of the new event can differ, so the diff is small even for a long timeline.
 */
final class VisitorTimeline {
  private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::ts).thenComparing(Entry::id);

  /** What sessionising needs of an event; {@code pageview} is null for events other than pageviews. */
  record Entry(long ts, String id, Pageview pageview) {
    static Entry of(CleanEvent event) {
      return new Entry(event.ts(), event.id(), event.isPageview() ? Pageview.of(event) : null);
    }

    boolean isPageview() {
      return pageview != null;
    }
  }

  /**
   * What a session takes from a pageview: its page (entry and exit) and, from the session's first
   * pageview, the breakdown dimensions, null-coalesced to the keys the embedded store groups by
   * ('(direct)', '(none)', 'Unknown') so that Druid groups the rows by the same keys.
   */
  record Pageview(String path, String platform, String refHost, String utmSource, String device, String browser, String os) {
    static Pageview of(CleanEvent event) {
      return new Pageview(event.path(), event.platform(), orElse(event.refHost(), "(direct)"), orElse(event.utmSource(), "(none)"),
          orElse(event.device(), "Unknown"), orElse(event.browser(), "Unknown"), orElse(event.os(), "Unknown"));
    }

    private static String orElse(String value, String absent) {
      return value == null ? absent : value;
    }
  }

  /** The rows to write for one change of the timeline, retractions (sign -1) first. */
  record Change(List<SessionRow> retracted, List<SessionRow> added) {
    boolean isEmpty() {
      return retracted.isEmpty() && added.isEmpty();
    }
  }

  private final String site;
  private final String vid;
  private final List<Entry> entries;

  private VisitorTimeline(String site, String vid, List<Entry> entries) {
    this.site = site;
    this.vid = vid;
    this.entries = entries;
  }

  static VisitorTimeline empty(String site, String vid) {
    return new VisitorTimeline(site, vid, new ArrayList<>());
  }

  int size() {
    return entries.size();
  }

  /**
   * Adds the event and answers the session rows that change; adding an event already held changes
   * nothing. The sessions an event at t can change are those within one gap of it, and the session
   * holding the visitor's first pageview, which stops being first when an earlier pageview arrives.
   */
  Change add(Entry entry, long gapMillis) {
    int at = Collections.binarySearch(entries, entry, ORDER);
    if (at >= 0) {
      return new Change(List.of(), List.of());
    }
    int insertAt = -at - 1;
    int firstView = firstPageview();
    List<SessionRow> before = withSessionAt(sessionsAround(entry.ts(), gapMillis), firstView, gapMillis);
    entries.add(insertAt, entry);
    int formerFirstView = firstView >= insertAt ? firstView + 1 : firstView;
    List<SessionRow> after = withSessionAt(sessionsAround(entry.ts(), gapMillis), formerFirstView, gapMillis);
    List<SessionRow> retracted = new ArrayList<>(before);
    retracted.removeAll(after);
    List<SessionRow> added = new ArrayList<>(after);
    added.removeAll(before);
    return new Change(retracted.stream().map(row -> row.withSign(-1)).toList(), added);
  }

  /** {@code sessions} with the session whose run holds the entry at {@code index} (none when index < 0) added once. */
  private List<SessionRow> withSessionAt(List<SessionRow> sessions, int index, long gapMillis) {
    if (index < 0) {
      return sessions;
    }
    int from = index;
    while (from > 0 && entries.get(from).ts() - entries.get(from - 1).ts() <= gapMillis) {
      from--;
    }
    int to = index + 1;
    while (to < entries.size() && entries.get(to).ts() - entries.get(to - 1).ts() <= gapMillis) {
      to++;
    }
    for (SessionRow session : sessionize(from, to, gapMillis)) {
      if (!sessions.contains(session)) {
        sessions.add(session);
      }
    }
    return sessions;
  }

  private int firstPageview() {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).isPageview()) {
        return i;
      }
    }
    return -1;
  }

  /** Every session of the timeline, with sign +1. */
  List<SessionRow> sessions(long gapMillis) {
    return sessionize(0, entries.size(), gapMillis);
  }

  /**
   * The sessions whose runs touch [t - gap, t + gap]: the only ones an event at t can change. The
   * window is widened to whole runs, so each session returned is complete.
   */
  private List<SessionRow> sessionsAround(long t, long gapMillis) {
    int from = lowerBound(t - gapMillis);
    while (from > 0 && from < entries.size() && entries.get(from).ts() - entries.get(from - 1).ts() <= gapMillis) {
      from--;
    }
    int to = lowerBound(t + gapMillis + 1);
    while (to < entries.size() && to > 0 && entries.get(to).ts() - entries.get(to - 1).ts() <= gapMillis) {
      to++;
    }
    return sessionize(from, to, gapMillis);
  }

  private int lowerBound(long ts) {
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).ts() < ts) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private List<SessionRow> sessionize(int from, int to, long gapMillis) {
    List<SessionRow> sessions = new ArrayList<>();
    int runStart = from;
    for (int i = from; i < to; i++) {
      boolean runEnds = i + 1 == to || entries.get(i + 1).ts() - entries.get(i).ts() > gapMillis;
      if (runEnds) {
        SessionRow row = session(runStart, i);
        if (row != null) {
          sessions.add(row);
        }
        runStart = i + 1;
      }
    }
    return sessions;
  }

  private SessionRow session(int first, int last) {
    int pageviews = 0;
    Pageview entry = null;
    long entryTs = 0;
    Pageview exit = null;
    for (int i = first; i <= last; i++) {
      Entry e = entries.get(i);
      if (e.isPageview()) {
        pageviews++;
        if (entry == null) {
          entry = e.pageview();
          entryTs = e.ts();
        }
        exit = e.pageview();
      }
    }
    if (pageviews == 0) {
      return null;
    }
    long start = entries.get(first).ts();
    long end = entries.get(last).ts();
    return new SessionRow(start, site, vid, 1, end, end - start, last - first + 1, pageviews, pageviews == 1 ? 1 : 0, entry.path(),
        exit.path(), entry.platform(), entry.refHost(), entry.utmSource(), entry.device(), entry.browser(), entry.os(),
        firstPageview() >= first ? entryTs : 0);
  }

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + entries.size() * 48);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeString(out, site);
      writeString(out, vid);
      out.writeInt(entries.size());
      for (Entry e : entries) {
        out.writeLong(e.ts());
        writeString(out, e.id());
        Pageview p = e.pageview();
        // A null path marks an event other than a pageview (a pageview always has a URL, so a path);
        // a pageview's dimensions follow its path.
        writeString(out, p == null ? null : p.path());
        if (p != null) {
          for (String value : new String[] {p.platform(), p.refHost(), p.utmSource(), p.device(), p.browser(), p.os()}) {
            writeString(out, value);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static VisitorTimeline fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      String site = readString(in);
      String vid = readString(in);
      int size = in.readInt();
      List<Entry> entries = new ArrayList<>(size + 1);
      for (int i = 0; i < size; i++) {
        long ts = in.readLong();
        String id = readString(in);
        String path = readString(in);
        Pageview pageview = path == null ? null
            : new Pageview(path, readString(in), readString(in), readString(in), readString(in), readString(in), readString(in));
        entries.add(new Entry(ts, id, pageview));
      }
      return new VisitorTimeline(site, vid, entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Length-prefixed rather than writeUTF, whose 64 KB limit a long URL path could exceed; -1 is null.
  private static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
