package com.clozette.analytics.aggregator.store;

import com.clozette.analytics.aggregator.query.Figures;
import com.clozette.analytics.aggregator.query.Query;
import com.clozette.analytics.aggregator.query.QueryResult;
import com.clozette.analytics.aggregator.query.QueryRows;
import com.clozette.analytics.aggregator.report.DataChange;
import com.clozette.analytics.aggregator.report.Queries;
import com.clozette.analytics.aggregator.report.Report;
import com.clozette.analytics.aggregator.report.ReportQuery;
import com.clozette.analytics.aggregator.report.ReportStore;
import com.clozette.analytics.aggregator.report.Results;
import com.clozette.analytics.aggregator.report.StoreUnavailableException;
import com.clozette.analytics.aggregator.session.SessionRule;
import com.clozette.analytics.event.Event;
import com.clozette.analytics.event.Urls;
import com.clozette.analytics.log.LogPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.time.Duration;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.roaringbitmap.RoaringBitmap;

/**
 * The embedded store: one DuckDB file holding the events, the sessions materialised from them, and
 * the loader's log position. One writer connection (inserts are serialised), a small pool of reader
 * connections for reports, all blocking work on a Vert.x worker pool.
 */
public final class DuckDbStore implements EventStore, ReportStore, AutoCloseable {
  /** The catalog of a connection's temp tables. */
  private static final String TEMP = "temp";
  private final DuckDBConnection writer;
  private final BlockingQueue<Connection> readers;
  private final WorkerExecutor reportWorkers;
  private final java.time.Duration queryTimeout;
  private final int memoryLimitMb;
  private final Sessionizer sessionizer;
  private final Map<Grain, VisitorSets> visitorSets = new java.util.EnumMap<>(Grain.class);
  private final ReportQueries reportQueries;
  private final DetailQueries detailQueries = new DetailQueries();
  private final List<Consumer<DataChange>> changeListeners = new CopyOnWriteArrayList<>();
  private final RecentEventKeys recentEvents;
  private final KeyTable visitorNumbers = new KeyTable();
  private final java.time.Clock clock;
  private int lastVisitorNumber;
  private long lastBatch;

  private DuckDbStore(DuckDBConnection writer, BlockingQueue<Connection> readers, WorkerExecutor reportWorkers, StoreSettings settings) throws SQLException {
    this.writer = writer;
    this.readers = readers;
    this.reportWorkers = reportWorkers;
    this.sessionizer = new Sessionizer(new SessionRule(settings.sessionGapMillis()));
    this.clock = settings.clock();
    this.queryTimeout = settings.queryTimeout();
    this.memoryLimitMb = settings.memoryLimitMb();
    this.recentEvents = new RecentEventKeys(settings.dedupeWindow().toMillis());
    for (Grain grain : Grain.values()) {
      visitorSets.put(grain, new VisitorSets());
    }
    this.reportQueries = new ReportQueries(visitorSets);
    try (Statement statement = writer.createStatement()) {
      for (String create : Schema.BATCH_TABLES) {
        statement.execute(create);
      }
      loadRecentEventKeys();
      try (ResultSet rows = statement.executeQuery(Schema.LOAD_VISITOR_NUMBERS)) {
        while (rows.next()) {
          visitorNumbers.put(new Key128(rows.getLong(1), rows.getLong(2)), rows.getInt(3));
          lastVisitorNumber = Math.max(lastVisitorNumber, rows.getInt(3));
        }
      }
      for (Grain grain : Grain.values()) {
        try (ResultSet rows = statement.executeQuery(Schema.loadVisitors(grain))) {
          while (rows.next()) {
            visitorSets.get(grain).load(new VisitorSets.Key(rows.getString(1), rows.getLong(2)), rows.getBytes(3));
          }
        }
      }
      try (ResultSet row = statement.executeQuery(Schema.LAST_BATCH)) {
        row.next();
        lastBatch = row.getLong(1);
      }
    }
    writer.commit();
  }

  /**
   * The keys of the stored events that can still be held ({@link RecentEventKeys#addLoaded}): a range
   * scan of the recent events only, whatever the size of the stored history.
   */
  private void loadRecentEventKeys() throws SQLException {
    recentEvents.advance(clock.millis());
    try (PreparedStatement keys = writer.prepareStatement(Schema.EVENT_KEYS_BETWEEN)) {
      keys.setLong(1, recentEvents.loadFrom());
      keys.setLong(2, recentEvents.loadTo());
      try (ResultSet rows = keys.executeQuery()) {
        while (rows.next()) {
          recentEvents.addLoaded(new Key128(rows.getLong(1), rows.getLong(2)), rows.getLong(3));
        }
      }
    }
  }

  /** How many event keys the store holds in memory for de-duplication. */
  long recentEventKeys() {
    return recentEvents.size();
  }

  /** Opens (creating if needed) the store file and its schema. */
  public static DuckDbStore open(Vertx vertx, Path file, StoreSettings settings) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      DuckDBConnection writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      try (Statement statement = writer.createStatement()) {
        statement.execute(Schema.CHECKPOINT_THRESHOLD);
        statement.execute(Schema.threads(settings.threads()));
        // An upgrade at open rewrites a column of every event in one transaction, whose undo data
        // outgrows the memory limit of a running store (a 4.7M-event store failed at 128 MB): it runs,
        // once, under DuckDB's own limit, and the configured one holds from then on.
        checkSchemaVersion(statement, file);
        statement.execute(Schema.memoryLimit(settings.memoryLimitMb()));
        for (String ddl : Schema.DDL) {
          statement.execute(ddl);
        }
      }
      writer.setAutoCommit(false);
      BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(settings.readers());
      for (int i = 0; i < settings.readers(); i++) {
        Connection reader = writer.duplicate();
        // Each report must see everything committed before it: no transaction left open between reads.
        reader.setAutoCommit(true);
        readers.add(TimedStatements.wrap(reader, settings.queryTimeout()));
      }
      WorkerExecutor workers = vertx.createSharedWorkerExecutor("report-store", settings.readers());
      return new DuckDbStore(writer, readers, workers, settings);
    } catch (Exception e) {
      throw new StoreException("cannot open the store at " + file, e);
    }
  }

  /** A store written by another version of the code is refused rather than misread. */
  private static void checkSchemaVersion(Statement statement, Path file) throws SQLException {
    boolean existing;
    try (ResultSet tables = statement.executeQuery(Schema.COUNT_TABLES)) {
      tables.next();
      existing = tables.getLong(1) > 0;
    }
    statement.execute(Schema.CREATE_META);
    String version = null;
    try (ResultSet row = statement.executeQuery(Schema.READ_VERSION)) {
      if (row.next()) {
        version = row.getString(1);
      }
    }
    if (version == null && !existing) {
      statement.execute(Schema.WRITE_VERSION);
      return;
    }
    // Each step in one transaction with its version's bump: a crash leaves the store at one version or
    // the next, never new columns under the old number (which an older build would then misread).
    while (version != null && Schema.UPGRADES.containsKey(version)) {
      statement.execute("BEGIN TRANSACTION");
      for (String upgrade : Schema.UPGRADES.get(version)) {
        statement.execute(upgrade);
      }
      statement.execute("COMMIT");
      version = String.valueOf(Integer.parseInt(version) + 1);
    }
    if (!String.valueOf(Schema.VERSION).equals(version)) {
      throw new StoreException("the store " + file + " has schema version " + version + ", this build reads version "
          + Schema.VERSION + ": import its events again into an empty data dir", null);
    }
  }

  @Override
  public synchronized IngestResult insert(List<Event> events, LogPosition loadedUpTo) {
    long batch = ++lastBatch;
    recentEvents.advance(clock.millis());
    Map<Grain, Map<VisitorSets.Key, RoaringBitmap>> visitorsAdded = new java.util.EnumMap<>(Grain.class);
    List<DataChange> changes = new ArrayList<>();
    Batch fresh;
    try {
      fresh = dedupe(events);
      if (!fresh.events.isEmpty()) {
        stage(fresh, batch);
        try (Statement statement = writer.createStatement()) {
          sessionizer.sessionise(statement);
          statement.execute(Schema.MOVE_VISITORS);
          statement.execute(Schema.UPDATE_FIRST_SEEN);
          for (Grain grain : Grain.values()) {
            statement.execute(Schema.addPageviews(grain));
            Map<VisitorSets.Key, RoaringBitmap> added = visitorSets.get(grain).withAdded(freshVisitors(statement, grain));
            saveVisitors(grain, added);
            visitorsAdded.put(grain, added);
          }
          try (ResultSet spans = statement.executeQuery(Schema.CHANGED_SPANS)) {
            while (spans.next()) {
              changes.add(new DataChange(spans.getString(1), spans.getLong(2), spans.getLong(3)));
            }
          }
        }
      }
      if (loadedUpTo != null) {
        try (PreparedStatement position = writer.prepareStatement(Schema.SAVE_LOADER_POSITION)) {
          position.setLong(1, loadedUpTo.segment());
          position.setLong(2, loadedUpTo.offset());
          position.executeUpdate();
        }
      }
      writer.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException("cannot store a batch of " + events.size() + " events", e);
    }
    // Only what committed becomes part of the in-memory state.
    for (int i = 0; i < fresh.events.size(); i++) {
      if (recentEvents.holds(fresh.events.get(i).ts())) {
        recentEvents.add(fresh.keys.get(i));
      }
    }
    fresh.newVisitors.forEach((key, visitor) -> visitorNumbers.put(key, visitor.number()));
    lastVisitorNumber = fresh.lastVisitorNumber;
    visitorsAdded.forEach((grain, added) -> visitorSets.get(grain).publish(added));
    for (DataChange change : changes) {
      changeListeners.forEach(listener -> listener.accept(change));
    }
    return new IngestResult(fresh.events.size(), events.size() - fresh.events.size());
  }

  /** A visitor first seen in this batch, and the number it gets. */
  private record NewVisitor(String site, String vid, int number) {}

  /** The batch's events not stored before (first copy wins), with their keys and visitor numbers. */
  private record Batch(List<Event> events, List<Key128> keys, int[] visitorNumbers,
      Map<Key128, NewVisitor> newVisitors, int lastVisitorNumber) {}

  /**
   * An event is a copy if its key is held in memory; one whose time memory does not hold (history,
   * from an import) also if the store holds an event of the same time and key.
   */
  private Batch dedupe(List<Event> events) throws SQLException {
    List<Event> unseen = new ArrayList<>(events.size());
    List<Key128> unseenKeys = new ArrayList<>(events.size());
    List<Integer> older = new ArrayList<>();
    java.util.Set<Key128> inBatch = new java.util.HashSet<>();
    for (Event event : events) {
      Key128 key = Key128.of(event.site(), event.id());
      if (!inBatch.add(key) || recentEvents.contains(key)) {
        continue;
      }
      if (!recentEvents.holds(event.ts())) {
        older.add(unseen.size());
      }
      unseen.add(event);
      unseenKeys.add(key);
    }
    java.util.Set<Key128> stored = older.isEmpty() ? java.util.Set.of() : storedCopies(unseen, unseenKeys, older);
    List<Event> fresh = new ArrayList<>(unseen.size());
    List<Key128> keys = new ArrayList<>(unseen.size());
    Map<Key128, NewVisitor> newVisitors = new HashMap<>();
    int[] numbers = new int[unseen.size()];
    int lastNumber = lastVisitorNumber;
    for (int i = 0; i < unseen.size(); i++) {
      Event event = unseen.get(i);
      Key128 key = unseenKeys.get(i);
      if (stored.contains(key)) {
        continue;
      }
      Key128 visitor = Key128.of(event.site(), event.vid());
      int number = visitorNumbers.get(visitor);
      if (number < 0) {
        NewVisitor added = newVisitors.get(visitor);
        if (added == null) {
          added = new NewVisitor(event.site(), event.vid(), ++lastNumber);
          newVisitors.put(visitor, added);
        }
        number = added.number();
      }
      numbers[fresh.size()] = number;
      fresh.add(event);
      keys.add(key);
    }
    return new Batch(fresh, keys, numbers, newVisitors, lastNumber);
  }

  /**
   * The keys of these events (at the given positions) that the store already holds: staged with the
   * appender outside any transaction (as {@link #stage} does), then joined with the events of their
   * time range. A copy is an event of the same key and time, as a client's retry and a re-imported line
   * are; comparing times is what lets DuckDB skip the row groups of other times.
   */
  private java.util.Set<Key128> storedCopies(List<Event> unseen, List<Key128> keys, List<Integer> positions) throws SQLException {
    try (Statement statement = writer.createStatement()) {
      statement.execute(Schema.CLEAR_OLDER_KEYS);
    }
    writer.commit();
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;
    try (DuckDBAppender appender = writer.createAppender(TEMP, DuckDBConnection.DEFAULT_SCHEMA, "older_keys")) {
      for (int position : positions) {
        long ts = unseen.get(position).ts();
        minTs = Math.min(minTs, ts);
        maxTs = Math.max(maxTs, ts);
        appender.beginRow();
        appender.append(ts);
        appender.append(keys.get(position).high());
        appender.append(keys.get(position).low());
        appender.endRow();
      }
    }
    java.util.Set<Key128> stored = new java.util.HashSet<>();
    try (PreparedStatement copies = writer.prepareStatement(Schema.STORED_COPIES)) {
      copies.setLong(1, minTs);
      copies.setLong(2, maxTs);
      try (ResultSet rows = copies.executeQuery()) {
        while (rows.next()) {
          stored.add(new Key128(rows.getLong(1), rows.getLong(2)));
        }
      }
    }
    writer.commit();
    return stored;
  }

  private static Map<VisitorSets.Key, int[]> freshVisitors(Statement statement, Grain grain) throws SQLException {
    Map<VisitorSets.Key, int[]> visitors = new HashMap<>();
    try (ResultSet rows = statement.executeQuery(Schema.freshVisitors(grain))) {
      while (rows.next()) {
        Object[] numbers = (Object[]) rows.getArray(3).getArray();
        visitors.put(new VisitorSets.Key(rows.getString(1), rows.getLong(2)), VisitorSets.toIntArray(Arrays.asList(numbers)));
      }
    }
    return visitors;
  }

  private void saveVisitors(Grain grain, Map<VisitorSets.Key, RoaringBitmap> sets) throws SQLException {
    try (PreparedStatement save = writer.prepareStatement(Schema.saveVisitors(grain))) {
      for (Map.Entry<VisitorSets.Key, RoaringBitmap> set : sets.entrySet()) {
        save.setString(1, set.getKey().site());
        save.setLong(2, set.getKey().bucket());
        save.setBytes(3, VisitorSets.serialize(set.getValue()));
        save.addBatch();
      }
      save.executeBatch();
    }
  }

  @Override
  public synchronized Optional<LogPosition> loadedPosition() {
    try (Statement statement = writer.createStatement();
        ResultSet row = statement.executeQuery(Schema.LOAD_LOADER_POSITION)) {
      Optional<LogPosition> position = row.next() ? Optional.of(new LogPosition(row.getLong(1), row.getLong(2))) : Optional.empty();
      writer.commit();
      return position;
    } catch (SQLException e) {
      throw new StoreException("cannot read the loader position", e);
    }
  }

  @Override
  public void addChangeListener(Consumer<DataChange> listener) {
    changeListeners.add(listener);
  }

  @Override
  public Future<Report> report(ReportQuery query) {
    return read(connection -> reportQueries.report(connection, query));
  }

  @Override
  public Future<Results.Breakdown> breakdown(Queries.Breakdown query) {
    return read(connection -> detailQueries.breakdown(connection, query));
  }

  @Override
  public Future<Results.VisitorSummary> visitors(Queries.Visitors query) {
    long from = query.from().toEpochMilli();
    long to = query.to().toEpochMilli();
    return read(connection -> {
      Totals totals = reportQueries.totals(connection, query.site(), from, to);
      long visitors = totals.visitorCount();
      long newVisitors = detailQueries.newVisitors(connection, query.site(), from, to);
      return new Results.VisitorSummary(query.site(), query.from().toString(), query.to().toString(), visitors, newVisitors,
          visitors - newVisitors, totals.sessions, visitors == 0 ? 0.0 : Report.round6((double) totals.sessions / visitors));
    });
  }

  @Override
  public Future<Results.BotTraffic> bots(Queries.Bots query) {
    return read(connection -> detailQueries.bots(connection, query));
  }

  @Override
  public Future<Results.Realtime> realtime(String site, Duration window) {
    long now = clock.millis();
    return read(connection -> detailQueries.realtime(connection, site, now, window.toMillis()));
  }

  @Override
  public Future<List<Results.PageRow>> pageExport(Queries.PageExport query) {
    return read(connection -> detailQueries.pageExport(connection, query));
  }

  /**
   * Unfiltered queries grouped by nothing but time read the rollups, as the reports do, so their
   * figures are the reports' own; any other reads the detail ({@link QueryScan}).
   */
  @Override
  public Future<QueryResult> query(Query query) {
    return read(connection -> query.rollupsAnswer() ? fromRollups(connection, query) : new QueryScan(query).run(connection));
  }

  private QueryResult fromRollups(Connection connection, Query query) throws SQLException {
    return QueryRows.byBucket(query, figures(rollupTotals(connection, query.site(), query.buckets())),
        figures(rollupTotals(connection, query.site(), query.compareBuckets())));
  }

  private static List<Figures> figures(List<Totals> totals) {
    return totals.stream().map(Totals::figures).toList();
  }

  private List<Totals> rollupTotals(Connection connection, String site, List<Query.Bucket> buckets) throws SQLException {
    if (buckets.size() == 1) {
      // The whole range as one: read as the report reads it, whole days from the day rollups.
      return List.of(reportQueries.totals(connection, site, buckets.get(0).start().toEpochMilli(), buckets.get(0).end().toEpochMilli()));
    }
    List<long[]> spans = buckets.stream().map(b -> new long[] {b.start().toEpochMilli(), b.end().toEpochMilli()}).toList();
    return reportQueries.bucketTotals(connection, site, spans);
  }

  private <T> Future<T> read(SqlFunction<T> work) {
    return reportWorkers.executeBlocking(() -> withReader(work), false);
  }

  /**
   * Runs blocking read-only work on a pooled reader connection, each of its statements interrupted
   * by DuckDB once it ran for {@link StoreSettings#queryTimeout()}: then a 503 that says so, as when
   * a statement needs more than DuckDB's memory limit.
   */
  public <T> T withReader(SqlFunction<T> work) throws SQLException, InterruptedException {
    Connection connection = readers.take();
    try {
      return work.apply(connection);
    } catch (SQLException e) {
      if (TimedStatements.interrupted(e)) {
        throw new StoreUnavailableException("a statement of this request ran longer than duckdb.queryTimeoutSeconds ("
            + queryTimeout.toSeconds() + " s) and was stopped: ask for a shorter range or fewer rows");
      }
      if (TimedStatements.outOfMemory(e)) {
        throw new StoreUnavailableException("this request needs more memory than duckdb.memoryLimitMb (" + memoryLimitMb
            + " MB) allows: ask for a shorter range, or raise the limit");
      }
      throw e;
    } finally {
      readers.add(connection);
    }
  }

  /** Work against a JDBC connection. */
  @FunctionalInterface
  public interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Appends the batch to the temp tables of {@link Schema#BATCH_TABLES}, emptied first. */
  private void stage(Batch fresh, long batch) throws SQLException {
    try (Statement statement = writer.createStatement()) {
      for (String clear : Schema.CLEAR_BATCH) {
        statement.execute(clear);
      }
    }
    writer.commit();
    try (DuckDBAppender appender = writer.createAppender(TEMP, DuckDBConnection.DEFAULT_SCHEMA, "fresh_events")) {
      for (int i = 0; i < fresh.events.size(); i++) {
        Event e = fresh.events.get(i);
        String url = e.url();
        appender.beginRow();
        appender.append(e.site());
        appender.append(e.id());
        appender.append(e.type().wireName());
        appender.append(e.ts());
        appender.append(e.vid());
        appendNullable(appender, e.path());
        appendNullable(appender, Urls.host(e.ref()));
        appendNullable(appender, Urls.queryParameter(url, "utm_source"));
        appendNullable(appender, Urls.queryParameter(url, "utm_medium"));
        appendNullable(appender, Urls.queryParameter(url, "utm_campaign"));
        appender.append(e.platform().wireName());
        appendNullable(appender, e.name());
        appendNullable(appender, e.props());
        appender.append(e.bot());
        appendNullable(appender, e.device());
        appendNullable(appender, e.browser());
        appendNullable(appender, e.os());
        appender.append(fresh.visitorNumbers[i]);
        appender.append(batch);
        appender.append(fresh.keys.get(i).high());
        appender.append(fresh.keys.get(i).low());
        appendNullable(appender, e.botSource());
        appender.appendNull();
        appender.endRow();
      }
    }
    if (fresh.newVisitors.isEmpty()) {
      return;
    }
    try (DuckDBAppender appender = writer.createAppender(TEMP, DuckDBConnection.DEFAULT_SCHEMA, "fresh_visitors")) {
      for (Map.Entry<Key128, NewVisitor> entry : fresh.newVisitors.entrySet()) {
        appender.beginRow();
        appender.append(entry.getValue().site());
        appender.append(entry.getValue().vid());
        appender.append(entry.getValue().number());
        appender.append(entry.getKey().high());
        appender.append(entry.getKey().low());
        appender.append(batch);
        appender.endRow();
      }
    }
  }

  private static void appendNullable(DuckDBAppender appender, String value) throws SQLException {
    if (value == null) {
      appender.appendNull();
    } else {
      appender.append(value);
    }
  }

  private void rollbackQuietly() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // The connection is already broken; the original error is what the caller needs.
    }
  }

  @Override
  public void close() {
    reportWorkers.close();
    List<Connection> all = new ArrayList<>();
    readers.drainTo(all);
    all.add(writer);
    for (Connection connection : all) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing on shutdown: DuckDB has already made committed work durable.
      }
    }
  }
}
