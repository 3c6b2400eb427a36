import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * DuckDB's own floor for an import (issue 11): the NDJSON file read into a table by DuckDB's bulk
 * reader, then every visitor's events cut into sessions by one window-function pass (the session gap
 * rule of RULES.md), in a fresh database file with the server's DuckDB bounds (threads, memory
 * limit). No validation, enrichment, de-duplication, rollups or visitor numbering: what any import
 * must at least cost. Run with the shipped jar on the classpath (it holds the DuckDB driver):
 *   java -cp server/target/clozette-analytics.jar bench/import/DuckDbFloor.java FILE DB_FILE THREADS MEMORY_MB
 * Prints the wall time in milliseconds of each step and their total.
 */
public class DuckDbFloor {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]).toAbsolutePath();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + Path.of(args[1]).toAbsolutePath());
        Statement sql = connection.createStatement()) {
      sql.execute("SET threads = " + Integer.parseInt(args[2]));
      sql.execute("SET memory_limit = '" + Integer.parseInt(args[3]) + "MB'");
      long t0 = System.nanoTime();
      sql.execute("""
          CREATE TABLE events AS SELECT * FROM read_ndjson('%s', columns = {id: 'VARCHAR', site: 'VARCHAR', type: 'VARCHAR',
            ts: 'BIGINT', vid: 'VARCHAR', url: 'VARCHAR', ref: 'VARCHAR', ua: 'VARCHAR', platform: 'VARCHAR', name: 'VARCHAR',
            props: 'JSON'})""".formatted(file.toString().replace("'", "''")));
      long t1 = System.nanoTime();
      sql.execute("""
          CREATE TABLE sessions AS
          WITH marked AS (
            SELECT site, vid, ts, id, type, url,
              CASE WHEN ts - lag(ts) OVER visit > 1800000 OR lag(ts) OVER visit IS NULL THEN 1 ELSE 0 END AS starts_run
            FROM events WINDOW visit AS (PARTITION BY site, vid ORDER BY ts, id)
          ), numbered AS (
            SELECT *, sum(starts_run) OVER (PARTITION BY site, vid ORDER BY ts, id ROWS UNBOUNDED PRECEDING) AS run FROM marked
          )
          SELECT site, vid, min(ts) AS start_ts, max(ts) AS end_ts, count(*) AS events,
            count(*) FILTER (WHERE type = 'pageview') AS pageviews,
            first(url ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS entry_url,
            last(url ORDER BY ts, id) FILTER (WHERE type = 'pageview') AS exit_url
          FROM numbered GROUP BY site, vid, run""");
      sql.execute("CHECKPOINT");
      long t2 = System.nanoTime();
      System.out.printf("read_ndjson %d ms, sessions %d ms, total %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t2 - t0) / 1_000_000);
    }
  }
}
