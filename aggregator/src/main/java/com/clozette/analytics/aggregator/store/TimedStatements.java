package com.clozette.analytics.aggregator.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A reader connection whose every statement carries a query timeout: DuckDB's driver then cancels
 * (interrupts) a statement that runs longer. In one place, so that no report, query or export
 * statement written later can forget it.
 */
final class TimedStatements {
  private TimedStatements() {}

  static Connection wrap(Connection connection, Duration timeout) {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof Statement statement) {
            statement.setQueryTimeout(seconds);
          }
          return result;
        });
  }

  /** Whether DuckDB refused the statement for its memory limit (a question too big for it, not a broken store). */
  static boolean outOfMemory(SQLException e) {
    return e.getMessage() != null && e.getMessage().startsWith("Out of Memory Error");
  }

  /** Whether DuckDB stopped the statement because it was cancelled (its timeout), rather than failed it. */
  static boolean interrupted(SQLException e) {
    return e.getMessage() != null && e.getMessage().contains("INTERRUPT");
  }
}
