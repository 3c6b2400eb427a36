package com.clozette.analytics.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Payloads shaped like the collector's (300-600 bytes of JSON carrying an id) and small reading helpers. */
final class LogTestSupport {

    private LogTestSupport() {
    }

    static byte[] payload(long id) {
        int pad = 300 + (int) ((id * 37) % 300);
        StringBuilder sb = new StringBuilder(pad + 40);
        sb.append("{\"id\":").append(id).append(",\"pad\":\"");
        for (int i = 0; i < pad; i++) {
            sb.append((char) ('a' + (id + i) % 26));
        }
        return sb.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static long idOf(byte[] payload) {
        String s = new String(payload, 0, Math.min(payload.length, 40), StandardCharsets.UTF_8);
        int start = "{\"id\":".length();
        return Long.parseLong(s.substring(start, s.indexOf(',', start)));
    }

    static LogSettings settings() {
        return LogSettings.defaults();
    }

    /** Everything committed from {@code from}, without waiting. */
    static List<LogRecord> readAll(EventLog log, LogPosition from) throws IOException, InterruptedException {
        try (LogReader reader = log.openReader(from)) {
            List<LogRecord> all = new ArrayList<>();
            while (true) {
                List<LogRecord> batch = reader.poll(1000, Duration.ZERO);
                if (batch.isEmpty()) {
                    return all;
                }
                all.addAll(batch);
            }
        }
    }

    static List<Long> ids(List<LogRecord> records) {
        List<Long> ids = new ArrayList<>(records.size());
        for (LogRecord r : records) {
            ids.add(idOf(r.payload()));
        }
        return ids;
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> RecordFormat.parseFileName(p.getFileName().toString()) >= 0).sorted().toList();
        }
    }
}
