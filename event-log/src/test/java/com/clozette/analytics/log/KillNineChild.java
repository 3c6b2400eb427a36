package com.clozette.analytics.log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * Child process of {@link EventLogCrashTest}: appends forever with {@link FsyncPolicy#NEVER}, with or without
 * preallocation (third argument), and prints
 * {@code ack <id> ok} for each append whose future completed, until it is killed with SIGKILL.
 */
final class KillNineChild {

    private KillNineChild() {
    }

    /** The child's settings: small segments, so that it rotates often before it is killed. */
    static LogSettings settings(boolean preallocate) {
        return LogSettings.defaults().withFsyncPolicy(FsyncPolicy.NEVER).withSegmentBytes(64 * 1024)
                .withPreallocate(preallocate);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long firstId = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        EventLog log = EventLog.open(dir, settings(Boolean.parseBoolean(args[2])));
        Semaphore inFlight = new Semaphore(512);
        for (long id = firstId; ; id++) {
            inFlight.acquire();
            long acked = id;
            log.append(LogTestSupport.payload(id)).whenComplete((position, error) -> {
                if (error == null) {
                    // Callbacks run on the writer thread, one at a time, after the record was written.
                    out.print("ack " + acked + " ok\n");
                    out.flush();
                }
                inFlight.release();
            });
        }
    }
}
