import com.clozette.analytics.log.EventLog;
import com.clozette.analytics.log.FsyncPolicy;
import com.clozette.analytics.log.LogSettings;
import com.clozette.analytics.log.LogStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The event log's group commit alone, without HTTP (issue 11): CLIENTS closed-loop appenders (each waits for its
 * append's future before the next, as a keep-alive connection waits for its answer) of 300-byte records, for
 * SECONDS per configuration, in a fresh log each: fsync always and interval, segments preallocated or grown.
 * Prints appends/s, groups/s and the mean group size of each, and always/interval per layout.
 *
 * <p>Usage, with the server jar as class path:
 * {@code java -cp server/target/clozette-analytics.jar bench/fsync/GroupCommitMicro.java DIR [clients=64] [seconds=5]}
 */
public final class GroupCommitMicro {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 5;
        double[][] rate = new double[2][2];
        for (int layout = 0; layout < 2; layout++) {
            boolean preallocate = layout == 0;
            for (int p = 0; p < 2; p++) {
                FsyncPolicy policy = p == 0 ? FsyncPolicy.ALWAYS : FsyncPolicy.INTERVAL;
                Path logDir = Files.createTempDirectory(dir, "group-commit-");
                try {
                    rate[layout][p] = run(logDir, LogSettings.defaults().withFsyncPolicy(policy)
                            .withPreallocate(preallocate), clients, seconds, policy + " preallocate=" + preallocate);
                } finally {
                    try (Stream<Path> files = Files.walk(logDir)) {
                        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
            }
        }
        System.out.printf("always/interval: preallocated %.2fx, grown %.2fx; always preallocated/grown %.2fx%n",
                rate[0][0] / rate[0][1], rate[1][0] / rate[1][1], rate[0][0] / rate[1][0]);
    }

    private static double run(Path dir, LogSettings settings, int clients, long seconds, String label)
            throws Exception {
        byte[] payload = new byte[300];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        try (EventLog log = EventLog.open(dir, settings)) {
            Thread[] threads = new Thread[clients];
            for (int i = 0; i < clients; i++) {
                threads[i] = new Thread(() -> {
                    while (!stop.get()) {
                        log.append(payload).join();
                        done.incrementAndGet();
                    }
                });
                threads[i].start();
            }
            Thread.sleep(1000); // warm-up
            LogStats s0 = log.stats();
            long d0 = done.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000);
            long t1 = System.nanoTime();
            LogStats s1 = log.stats();
            long d1 = done.get();
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            double secs = (t1 - t0) / 1e9;
            double appends = (d1 - d0) / secs;
            long groups = s1.groupWrites() - s0.groupWrites();
            System.out.printf("%-30s %9.0f appends/s %8.0f groups/s  %5.1f appends/group  %8.0f fsyncs/s%n", label,
                    appends, groups / secs, (double) (s1.appendedRecords() - s0.appendedRecords()) / Math.max(1, groups),
                    (s1.fsyncs() - s0.fsyncs()) / secs);
            return appends;
        }
    }
}
