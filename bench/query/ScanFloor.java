import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * DuckDB's own floor for a filtered query over a store file: the cheapest statements any filtered
 * answer needs, (1) the matching pageviews counted and (2) their sessions found (the event-to-session
 * join), each the median of five runs, on the store's file read-only with the server's memory limit
 * and threads (or a larger memory limit, MEMORY_LIMIT, where a count of distinct visitors outgrows it).
 * Run with the shipped jar on the classpath (it holds the DuckDB driver):
 *   java -cp server/target/clozette-analytics.jar bench/query/ScanFloor.java STORE SITE FROM_MS TO_MS NEEDLE [MEMORY_LIMIT]
 */
public class ScanFloor {
  public static void main(String[] args) throws Exception {
    String site = args[1];
    long from = Long.parseLong(args[2]);
    long to = Long.parseLong(args[3]);
    String needle = args[4];
    java.util.Properties props = new java.util.Properties();
    props.setProperty("duckdb.read_only", "true");
    props.setProperty("memory_limit", args.length > 5 ? args[5] : "128MB");
    props.setProperty("threads", "2");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + args[0], props)) {
      time(connection, "count of matching pageviews", """
          SELECT count(*), count(DISTINCT vid) FROM events
          WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ? AND contains(path, ?)""", site, from, to, needle);
      // Stores of schema 5 on keep each event's session start: its session is an equality join away.
      if (hasSessionStart(connection)) {
        time(connection, "their sessions' count, length and bounces (join on the stored session start)", """
            SELECT count(*), sum(s.end_ts - s.start_ts), count(*) FILTER (WHERE s.pageviews = 1)
            FROM (SELECT DISTINCT vid, session_start FROM events
              WHERE site = ? AND type = 'pageview' AND NOT bot AND ts >= ? AND ts < ? AND contains(path, ?)) e
            JOIN sessions s ON s.site = ? AND s.vid = e.vid AND s.start_ts = e.session_start""", site, from, to, needle, site);
      } else {
        time(connection, "their sessions (event-to-session join)", """
            SELECT count(DISTINCT (s.vid, s.start_ts)) FROM events e JOIN sessions s ON s.vid = e.vid AND e.ts BETWEEN s.start_ts AND s.end_ts
            WHERE e.site = ? AND e.type = 'pageview' AND NOT e.bot AND e.ts >= ? AND e.ts < ? AND contains(e.path, ?) AND s.site = e.site""",
            site, from, to, needle);
      }
    }
  }

  private static boolean hasSessionStart(Connection connection) throws Exception {
    try (ResultSet columns = connection.createStatement().executeQuery(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'session_start'")) {
      columns.next();
      return columns.getLong(1) > 0;
    }
  }

  private static void time(Connection connection, String what, String sql, String site, long from, long to, String needle,
      String... more) throws Exception {
    long[] millis = new long[5];
    String answer = "";
    for (int i = 0; i < millis.length; i++) {
      long t0 = System.nanoTime();
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setString(1, site);
        statement.setLong(2, from);
        statement.setLong(3, to);
        statement.setString(4, needle);
        for (int p = 0; p < more.length; p++) {
          statement.setString(5 + p, more[p]);
        }
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          answer = result.getString(1);
        }
      }
      millis[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    java.util.Arrays.sort(millis);
    System.out.printf("floor: %s: median %d ms (runs %s), answer %s%n", what, millis[2], java.util.Arrays.toString(millis), answer);
  }
}
