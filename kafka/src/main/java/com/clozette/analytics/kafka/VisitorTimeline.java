package com.clozette.analytics.kafka;

import com.clozette.analytics.aggregator.session.SessionRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The counted events of one visitor in (ts, id) order, and the sessions they make by RULES.md
 * ({@link SessionRule}, applied event by event):
 * a gap of more than the session gap starts a new session, a run without a pageview is not one.
 *
 * <p>Why re-sessionising from the timeline is exact: the sessions of a visitor are a function of its
 * set of counted events alone. Adding an event and diffing the sessions before and after gives
 * exactly the rows to retract and to add, whatever order events arrive in. Only the sessions within
 * one gap of the new event can differ, so the diff is small even for a long timeline.
 *
 * <p>Bounded by trimming, not by forgetting silently: leading whole sessions whose events all arrived
 * longer ago than the retention are dropped, and the {@code horizon} moves past them by more than the gap. An event
 * before the horizon could have joined a dropped session, so it is refused ({@link Refusal#TOO_LATE})
 * rather than sessionised wrongly; any event at or after it meets exactly the sessions it would have
 * met untrimmed. Whether a dropped session held a pageview is kept, so "first pageview ever" stays true.
 *
 * <p>Session pageview rows ({@link SessionPageviewRow}) cost rows in proportion to a session's
 * pageviews, so they are written once a session is over rather than on each of its changes (which
 * would be quadratic): the sessions before the last are published as soon as an event is added, all
 * of them by {@link #publishAll} once the visitor has been idle, and any still unpublished when
 * trimming drops them. The timeline remembers which sessions it published; an event that changes one
 * writes its rows again with sign -1 and forgets it, and the changed session is published again once
 * over. A visitor whose published session changed is published only when idle or trimmed until then,
 * so late events cost at most one retraction of each session between two idle publishes, not one per event.
 */
final class VisitorTimeline {
  private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::ts).thenComparing(Entry::id);

  /**
   * What sessionising needs of an event; {@code pageview} is null for events other than pageviews,
   * {@code arrived} is the wall-clock time it reached the processor (trimming goes by it, so an import
   * of old events is sessionised like live traffic).
   */
  record Entry(long ts, String id, Pageview pageview, long arrived) {
    static Entry of(CleanEvent event, long arrived) {
      return new Entry(event.ts(), event.id(), event.isPageview() ? Pageview.of(event) : null, arrived);
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

  /** Why an event changed no session although it is counted. */
  enum Refusal {
    /** Not refused. */
    NONE,
    /** The timeline holds it already (the same time and id): nothing to do. */
    HELD,
    /** Older than the horizon: it could belong with sessions already dropped. */
    TOO_LATE,
    /** The timeline holds {@link #MAX_HELD_EVENTS} events of sessions too recent to drop. */
    OVER_LIMIT
  }

  /**
   * The rows to write for one change of the timeline, retractions (sign -1) first, or why there are
   * none; {@code stored} when the timeline itself changed and must be stored again.
   *
   * @param pageviewRows the session pageview rows to write: retractions of published sessions that
   *     changed, and publications of sessions that are over
   */
  record Change(List<SessionRow> retracted, List<SessionRow> added, List<SessionPageviewRow> pageviewRows, Refusal refusal,
      boolean stored) {
    private static final Change HELD = new Change(List.of(), List.of(), List.of(), Refusal.HELD, false);
    private static final Change TOO_LATE = new Change(List.of(), List.of(), List.of(), Refusal.TOO_LATE, false);
    private static final Change OVER_LIMIT = new Change(List.of(), List.of(), List.of(), Refusal.OVER_LIMIT, false);
    private static final Change OVER_LIMIT_NOTED = new Change(List.of(), List.of(), List.of(), Refusal.OVER_LIMIT, true);
  }

  /** What trimming did: how many events it dropped, and the pageview rows of the sessions it published before dropping them. */
  record Trimmed(int events, List<SessionPageviewRow> published) {
    private static final Trimmed NOTHING = new Trimmed(0, List.of());
  }

  /**
   * The most events one timeline holds. Every event rewrites its visitor's stored timeline, so this
   * bounds the cost of one event (about 150 KB to read and write at the limit) whatever one visitor
   * sends: a person's sessions over the retention stay far below it; a bot that escaped the filter
   * (one endless session) reaches it, and its further events are counted but no longer sessionised
   * until one comes more than a gap after all of them (a newer session), for which the held ones are dropped.
   */
  static final int MAX_HELD_EVENTS = 2_000;

  /**
   * The first byte of the stored form. Bump it when the form changes: a stored timeline of another
   * format is refused with a message, never misread (the stores are restored from changelog topics
   * that outlive a deployment).
   */
  static final byte FORMAT = 3;
  /**
   * The form before session pageview rows (no published sessions, no flags), still read: a deployment
   * upgrades without a reset, and the held sessions' pageview rows are written when their visitor is idle.
   */
  static final byte FORMAT_BEFORE_PAGEVIEW_ROWS = 2;
  /** Where the stored form's event count is: after the format byte, last arrival, horizon, refused-until and the viewed flag. */
  private static final int HELD_EVENTS_OFFSET = 1 + Long.BYTES * 3 + 1;
  /** Where the stored form's "has unpublished sessions" flag is: right after the event count. */
  private static final int UNPUBLISHED_OFFSET = HELD_EVENTS_OFFSET + Integer.BYTES;

  private final String site;
  private final String vid;
  private final List<Entry> entries;
  private long horizon;
  /** The latest time of an event refused for the limit (the endless session goes on until then); MIN_VALUE when none. */
  private long refusedUntil;
  private boolean viewedBeforeHorizon;
  private long lastArrival;
  /** The start times of the held sessions whose pageview rows are written (+1) and not retracted. */
  private final NavigableSet<Long> published;
  /** A published session was retracted since the last {@link #publishAll}: publish only when idle or trimmed until then. */
  private boolean retractedSinceIdle;
  /** Whether a held session is not published, as of the last change: what the idle sweep reads from the stored form. */
  private boolean unpublished;

  private VisitorTimeline(String site, String vid, List<Entry> entries, long horizon, long refusedUntil, boolean viewedBeforeHorizon,
      long lastArrival, NavigableSet<Long> published, boolean retractedSinceIdle, boolean unpublished) {
    this.site = site;
    this.vid = vid;
    this.entries = entries;
    this.horizon = horizon;
    this.refusedUntil = refusedUntil;
    this.viewedBeforeHorizon = viewedBeforeHorizon;
    this.lastArrival = lastArrival;
    this.published = published;
    this.retractedSinceIdle = retractedSinceIdle;
    this.unpublished = unpublished;
  }

  static VisitorTimeline empty(String site, String vid) {
    return new VisitorTimeline(site, vid, new ArrayList<>(), Long.MIN_VALUE, Long.MIN_VALUE, false, 0, new TreeSet<>(), false, false);
  }

  /** The wall-clock time of the last event added, from the stored form without reading the rest. */
  static long lastArrival(byte[] stored) {
    checkFormat(stored[0]);
    return ByteBuffer.wrap(stored, 1, Long.BYTES).getLong();
  }

  /** How many events the stored form holds, without reading them. */
  static int heldEvents(byte[] stored) {
    checkFormat(stored[0]);
    return ByteBuffer.wrap(stored, HELD_EVENTS_OFFSET, Integer.BYTES).getInt();
  }

  /** Whether the stored form holds a session whose pageview rows are not written yet, without reading the rest. */
  static boolean hasUnpublishedSessions(byte[] stored) {
    checkFormat(stored[0]);
    return stored[0] == FORMAT_BEFORE_PAGEVIEW_ROWS ? heldEvents(stored) > 0 : stored[UNPUBLISHED_OFFSET] != 0;
  }

  /** Whether a session of this timeline has pageview rows not written yet. */
  boolean hasUnpublishedSessions() {
    return unpublished;
  }

  /** The wall-clock time of the last event added. */
  long lastArrival() {
    return lastArrival;
  }

  /** Notes the wall-clock time an event of this visitor arrived, for forgetting inactive visitors. */
  void arrivedAt(long wallClockMillis) {
    lastArrival = Math.max(lastArrival, wallClockMillis);
  }

  /**
   * Drops the leading sessions whose events all arrived before {@code arrivedBefore} (wall clock),
   * and more leading sessions (never the last) while it holds more than {@link #MAX_HELD_EVENTS} less
   * a tenth, so that the limit is not met again at once; whole runs only, in event-time order. Moves the horizon past
   * what it dropped and answers how many events that was. Rows already written stay valid; the
   * sessions it drops are over, so it publishes those not published yet before it forgets them.
   */
  Trimmed trim(long arrivedBefore, long gapMillis) {
    return dropLeadingRuns(arrivedBefore, false, gapMillis);
  }

  /** {@link #trim}; with {@code lastRunToo} the size rule may drop the last run as well (an event is about to start a newer one). */
  private Trimmed dropLeadingRuns(long arrivedBefore, boolean lastRunToo, long gapMillis) {
    int keepAtMost = MAX_HELD_EVENTS - MAX_HELD_EVENTS / 10;
    int cut = 0;
    boolean runArrivedBefore = true;
    for (int i = 0; i < entries.size(); i++) {
      runArrivedBefore &= entries.get(i).arrived() < arrivedBefore;
      boolean lastRun = i + 1 == entries.size();
      if (lastRun || !sameRun(i + 1, gapMillis)) {
        // the open session is not dropped for size while events may still join it
        boolean tooMany = (lastRunToo || !lastRun) && entries.size() - cut > keepAtMost;
        if (!runArrivedBefore && !tooMany) {
          break;
        }
        cut = i + 1;
        runArrivedBefore = true;
      }
    }
    if (cut == 0) {
      return Trimmed.NOTHING;
    }
    List<SessionPageviewRow> publishedRows = publishRuns(0, cut, gapMillis);
    List<Entry> dropped = entries.subList(0, cut);
    viewedBeforeHorizon |= dropped.stream().anyMatch(Entry::isPageview);
    long lastDropped = dropped.get(cut - 1).ts();
    horizon = Math.max(horizon, lastDropped + gapMillis + 1);
    published.headSet(lastDropped, true).clear();
    dropped.clear();
    unpublished = hasUnpublishedSession(gapMillis);
    // nothing waits for the visitor to be idle any more (a stub): its next sessions are published as they end
    retractedSinceIdle &= unpublished;
    return new Trimmed(cut, publishedRows);
  }

  /**
   * Publishes every session not published yet, the last one too: the visitor has been idle long
   * enough for its sessions to count as over. A later event that changes one retracts it.
   */
  List<SessionPageviewRow> publishAll(long gapMillis) {
    retractedSinceIdle = false;
    unpublished = false;
    return publishRuns(0, entries.size(), gapMillis);
  }

  /** The +1 pageview rows of the unpublished sessions whose runs start in [from, to) and end before {@code to}, now published. */
  private List<SessionPageviewRow> publishRuns(int from, int to, long gapMillis) {
    List<SessionPageviewRow> rows = new ArrayList<>();
    int runStart = from;
    for (int i = from; i < to; i++) {
      if (i + 1 == to || !sameRun(i + 1, gapMillis)) {
        long start = entries.get(runStart).ts();
        if (!published.contains(start)) {
          SessionRow session = session(runStart, i);
          if (session != null) {
            rows.addAll(pageviewRows(session, 1, -1));
            published.add(start);
          }
        }
        runStart = i + 1;
      }
    }
    return rows;
  }

  /** Whether a session (a run with a pageview) is not published. */
  private boolean hasUnpublishedSession(long gapMillis) {
    int runStart = 0;
    boolean viewed = false;
    for (int i = 0; i < entries.size(); i++) {
      viewed |= entries.get(i).isPageview();
      if (i + 1 == entries.size() || !sameRun(i + 1, gapMillis)) {
        if (viewed && !published.contains(entries.get(runStart).ts())) {
          return true;
        }
        runStart = i + 1;
        viewed = false;
      }
    }
    return false;
  }

  /**
   * The pageview rows of {@code session} with {@code sign}: one per pageview held between its first
   * and last event, leaving out the entry at {@code skip} (an event inserted since the session was
   * computed, so that the rows are those of the session as it was; -1 for none).
   */
  private List<SessionPageviewRow> pageviewRows(SessionRow session, int sign, int skip) {
    List<SessionPageviewRow> rows = new ArrayList<>(session.pageviews());
    for (int i = lowerBound(session.ts()); i < entries.size() && entries.get(i).ts() <= session.end(); i++) {
      Entry e = entries.get(i);
      if (i != skip && e.isPageview()) {
        rows.add(SessionPageviewRow.of(session, e.ts(), e.pageview().path(), sign));
      }
    }
    return rows;
  }

  /**
   * Adds the event and answers the session rows that change; adding an event already held changes
   * nothing. The sessions an event at t can change are those within one gap of it, and the session
   * holding the visitor's first pageview, which stops being first when an earlier pageview arrives.
   * A published session that changes is retracted (its pageview rows again, with sign -1); unless a
   * published session was retracted since the visitor was last idle, the sessions before the last,
   * which are over, are published.
   */
  Change add(Entry entry, long gapMillis) {
    if (entry.ts() < horizon) {
      return Change.TOO_LATE;
    }
    int at = Collections.binarySearch(entries, entry, ORDER);
    if (at >= 0) {
      return Change.HELD;
    }
    List<SessionPageviewRow> pageviewRows = new ArrayList<>();
    if (entries.size() >= MAX_HELD_EVENTS) {
      // refused events carry the endless session on: a newer one starts only a gap after the last of them
      long latest = Math.max(entries.get(entries.size() - 1).ts(), refusedUntil);
      if (entry.ts() - latest <= gapMillis) {
        // stored again only when it moved by half a gap: a refused flood stays cheap, and the session
        // end it remembers is never more than half a gap behind
        boolean noted = refusedUntil == Long.MIN_VALUE || entry.ts() - refusedUntil > gapMillis / 2;
        refusedUntil = Math.max(refusedUntil, entry.ts());
        return noted ? Change.OVER_LIMIT_NOTED : Change.OVER_LIMIT;
      }
      pageviewRows.addAll(dropLeadingRuns(Long.MIN_VALUE, true, gapMillis).published());
      at = Collections.binarySearch(entries, entry, ORDER);
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
    for (SessionRow changed : retracted) {
      if (published.contains(changed.ts()) && !onlyFirstViewChanged(changed, added)) {
        pageviewRows.addAll(pageviewRows(changed, -1, insertAt));
        published.remove(changed.ts());
        retractedSinceIdle = true;
      }
    }
    if (!retractedSinceIdle) {
      int lastRunStart = entries.size() - 1;
      while (lastRunStart > 0 && sameRun(lastRunStart, gapMillis)) {
        lastRunStart--;
      }
      pageviewRows.addAll(publishRuns(0, lastRunStart, gapMillis));
    }
    unpublished = hasUnpublishedSession(gapMillis);
    return new Change(retracted.stream().map(row -> row.withSign(-1)).toList(), added, pageviewRows, Refusal.NONE, true);
  }

  /**
   * Whether {@code session} is among {@code added} but for its first-view time: its events, so its
   * pageview rows, are unchanged (an earlier pageview of the visitor arrived in another session).
   */
  private static boolean onlyFirstViewChanged(SessionRow session, List<SessionRow> added) {
    return added.stream().anyMatch(row -> row.withFirstViewTs(session.firstViewTs()).equals(session));
  }

  /** {@code sessions} with the session whose run holds the entry at {@code index} (none when index < 0) added once. */
  private List<SessionRow> withSessionAt(List<SessionRow> sessions, int index, long gapMillis) {
    if (index < 0) {
      return sessions;
    }
    for (SessionRow session : sessionsOverlapping(index, index + 1, gapMillis)) {
      if (!sessions.contains(session)) {
        sessions.add(session);
      }
    }
    return sessions;
  }

  /** The index of the visitor's first pageview ever, or -1 when it is not held (none yet, or trimmed). */
  private int firstPageview() {
    if (viewedBeforeHorizon) {
      return -1;
    }
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
    return sessionsOverlapping(lowerBound(t - gapMillis), lowerBound(t + gapMillis + 1), gapMillis);
  }

  /** The sessions of the entries in [from, to), each widened to its whole run. */
  private List<SessionRow> sessionsOverlapping(int from, int to, long gapMillis) {
    while (from > 0 && from < entries.size() && sameRun(from, gapMillis)) {
      from--;
    }
    while (to > 0 && to < entries.size() && sameRun(to, gapMillis)) {
      to++;
    }
    return sessionize(from, to, gapMillis);
  }

  /** Whether the entry at {@code i} continues the run of the one before it. */
  private boolean sameRun(int i, long gapMillis) {
    return new SessionRule(gapMillis).continues(entries.get(i - 1).ts(), entries.get(i).ts());
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
      boolean runEnds = i + 1 == to || !sameRun(i + 1, gapMillis);
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
    int firstView = firstPageview();
    return new SessionRow(start, site, vid, 1, end, end - start, last - first + 1, pageviews, pageviews == 1 ? 1 : 0, entry.path(),
        exit.path(), entry.platform(), entry.refHost(), entry.utmSource(), entry.device(), entry.browser(), entry.os(),
        firstView >= first ? entryTs : 0);
  }

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + entries.size() * 48);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(lastArrival);
      out.writeLong(horizon);
      out.writeLong(refusedUntil);
      out.writeBoolean(viewedBeforeHorizon);
      out.writeInt(entries.size());
      out.writeBoolean(unpublished);
      out.writeBoolean(retractedSinceIdle);
      writeString(out, site);
      writeString(out, vid);
      for (Entry e : entries) {
        out.writeLong(e.ts());
        out.writeLong(e.arrived());
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
      out.writeInt(published.size());
      for (long start : published) {
        out.writeLong(start);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static VisitorTimeline fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      checkFormat(format);
      boolean beforePageviewRows = format == FORMAT_BEFORE_PAGEVIEW_ROWS;
      long lastArrival = in.readLong();
      long horizon = in.readLong();
      long refusedUntil = in.readLong();
      boolean viewedBeforeHorizon = in.readBoolean();
      int size = in.readInt();
      // A timeline stored before pageview rows existed: none of its sessions' rows were written.
      boolean unpublished = beforePageviewRows ? size > 0 : in.readBoolean();
      boolean retractedSinceIdle = !beforePageviewRows && in.readBoolean();
      String site = readString(in);
      String vid = readString(in);
      List<Entry> entries = new ArrayList<>(size + 1);
      for (int i = 0; i < size; i++) {
        long ts = in.readLong();
        long arrived = in.readLong();
        String id = readString(in);
        String path = readString(in);
        Pageview pageview = path == null ? null
            : new Pageview(path, readString(in), readString(in), readString(in), readString(in), readString(in), readString(in));
        entries.add(new Entry(ts, id, pageview, arrived));
      }
      int publishedCount = beforePageviewRows ? 0 : in.readInt();
      NavigableSet<Long> published = new TreeSet<>();
      for (int i = 0; i < publishedCount; i++) {
        published.add(in.readLong());
      }
      return new VisitorTimeline(site, vid, entries, horizon, refusedUntil, viewedBeforeHorizon, lastArrival, published,
          retractedSinceIdle, unpublished);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkFormat(byte format) {
    if (format != FORMAT && format != FORMAT_BEFORE_PAGEVIEW_ROWS) {
      throw new IllegalStateException("stored visitor timeline of format " + format + ", this version reads formats "
          + FORMAT_BEFORE_PAGEVIEW_ROWS + " and " + FORMAT
          + ": reset the stream processor's application (kafka.applicationId) or run the version that wrote it");
    }
  }

  // Length-prefixed rather than writeUTF, whose 64 KB limit a long URL path could exceed; -1 is null.
  static void writeString(DataOutputStream out, String value) throws IOException {
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
