package com.clozette.analytics.log;

import static com.clozette.analytics.log.LogTestSupport.ids;
import static com.clozette.analytics.log.LogTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The promise of the log: an acknowledged append survives SIGKILL of the process right after. */
@Timeout(60)
class EventLogCrashTest {

    private static final Pattern ACK = Pattern.compile("ack (\\d+) ok");

    @TempDir
    Path dir;

    @TempDir
    Path scratch;

    @ParameterizedTest(name = "preallocate {0}")
    @ValueSource(booleans = {true, false})
    void acknowledgedAppendsSurviveSigkillOfTheWritingProcess(boolean preallocate) throws Exception {
        Set<Long> acked = new HashSet<>();
        // Two rounds: the second starts from the recovered log of the first, kill included.
        for (int round = 0; round < 2; round++) {
            acked.addAll(runChildAndKill(round * 10_000_000L, 3000, preallocate));
            try (EventLog log = EventLog.open(dir, KillNineChild.settings(preallocate))) {
                List<Long> ids = ids(readAll(log, LogPosition.START));
                Set<Long> present = new HashSet<>(ids);
                assertEquals(ids.size(), present.size(), "no record twice");
                List<Long> missing = new ArrayList<>();
                for (Long id : acked) {
                    if (!present.contains(id)) {
                        missing.add(id);
                    }
                }
                assertEquals(List.of(), missing, "acknowledged but lost after kill -9");
                for (int i = 1; i < ids.size(); i++) {
                    assertTrue(ids.get(i - 1) < ids.get(i), "appended order kept");
                }
                System.out.println("kill -9 round " + round + ": " + acked.size() + " acknowledged, " + ids.size()
                        + " in the log, " + log.stats().recoveredTruncatedBytes() + " torn bytes dropped");
            }
        }
    }

    /** Starts a child appending from {@code firstId}, SIGKILLs it once {@code minAcks} appends are acknowledged. */
    private Set<Long> runChildAndKill(long firstId, int minAcks, boolean preallocate) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                KillNineChild.class.getName(), dir.toString(), Long.toString(firstId),
                Boolean.toString(preallocate));
        pb.redirectError(scratch.resolve("child-stderr.txt").toFile());
        Process child = pb.start();
        Set<Long> acked = new HashSet<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean killed = false;
            while ((line = out.readLine()) != null) {
                Matcher m = ACK.matcher(line);
                if (m.matches()) {
                    acked.add(Long.parseLong(m.group(1)));
                }
                if (acked.size() >= minAcks) {
                    // SIGKILL while it is still appending. This also closes our end of its stdout: acks still in
                    // the pipe are not counted, which only makes the check weaker, never wrong.
                    child.destroyForcibly();
                    killed = true;
                    break;
                }
            }
            assertTrue(killed, "child ended before " + minAcks + " acks (exit " + child.waitFor() + ")");
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
        }
        assertTrue(child.exitValue() != 0);
        return acked;
    }
}
