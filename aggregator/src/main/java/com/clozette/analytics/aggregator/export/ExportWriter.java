package com.clozette.analytics.aggregator.export;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Streams an export: a header, then chunks of rows, each written to the response as it comes. */
sealed interface ExportWriter {
  /** What a JSON export says about itself; CSV carries the version and k as columns instead. */
  record Header(int formatVersion, String site, String from, String to, Integer k) {}

  Future<Void> start();

  Future<Void> write(List<? extends ExportHandlers.ExportRow> rows);

  Future<Void> end();

  /** CSV with a header row, written by Commons CSV (quoting and escaping of hostile paths included). */
  final class Csv implements ExportWriter {
    private final HttpServerResponse response;
    private final String fileName;
    private final List<String> columns;

    Csv(HttpServerResponse response, String fileName, List<String> columns) {
      this.response = response;
      this.fileName = fileName;
      this.columns = columns;
    }

    @Override
    public Future<Void> start() {
      response.setChunked(true)
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", attachment(fileName + ".csv"));
      return response.write(print(List.of(columns.toArray())));
    }

    @Override
    public Future<Void> write(List<? extends ExportHandlers.ExportRow> rows) {
      StringBuilder text = new StringBuilder();
      for (ExportHandlers.ExportRow row : rows) {
        text.append(print(row.values()));
      }
      return text.isEmpty() ? Future.succeededFuture() : response.write(text.toString());
    }

    @Override
    public Future<Void> end() {
      return response.end();
    }

    /**
     * The header value for a download named {@code fileName}. The name is made of configured site
     * ids, but any character that could end the quoted string or the header is replaced all the same.
     */
    static String attachment(String fileName) {
      return "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_") + "\"";
    }

    private static String print(List<Object> values) {
      StringBuilder line = new StringBuilder();
      try (CSVPrinter printer = new CSVPrinter(line, CSVFormat.RFC4180)) {
        printer.printRecord(values);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return line.toString();
    }
  }

  /** A JSON object: the header fields, then {@code "rows"}: an array of objects, streamed. */
  final class Json implements ExportWriter {
    private final HttpServerResponse response;
    private final List<String> columns;
    private final Header header;
    private boolean firstRow = true;

    Json(HttpServerResponse response, List<String> columns, Header header) {
      this.response = response;
      this.columns = columns;
      this.header = header;
    }

    @Override
    public Future<Void> start() {
      JsonObject head = new JsonObject().put("formatVersion", header.formatVersion()).put("site", header.site())
          .put("from", header.from()).put("to", header.to());
      if (header.k() != null) {
        head.put("k", header.k());
      }
      String text = head.encode();
      response.setChunked(true).putHeader("Content-Type", "application/json");
      return response.write(text.substring(0, text.length() - 1) + ",\"rows\":[");
    }

    @Override
    public Future<Void> write(List<? extends ExportHandlers.ExportRow> rows) {
      StringBuilder text = new StringBuilder();
      for (ExportHandlers.ExportRow row : rows) {
        JsonObject object = new JsonObject();
        List<Object> values = row.values();
        for (int i = 0; i < columns.size(); i++) {
          if (!columns.get(i).equals("format_version") && !columns.get(i).equals("k") && values.get(i) != null) {
            object.put(columns.get(i), values.get(i));
          }
        }
        text.append(firstRow ? "" : ",").append(object.encode());
        firstRow = false;
      }
      return text.isEmpty() ? Future.succeededFuture() : response.write(text.toString());
    }

    @Override
    public Future<Void> end() {
      return response.end("]}");
    }
  }
}
