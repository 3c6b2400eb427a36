import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Cost of one fdatasync ({@code FileChannel.force(false)}) per small append, the event log's group commit under
 * {@code fsync: always}, in three kinds of file (issue 11):
 * <ul>
 *   <li>{@code grow}: a fresh empty file; every append extends it, so every fdatasync also commits the new size
 *       and block allocation (an ext4 journal commit);</li>
 *   <li>{@code zeros}: a file written full of zeros and fsynced first; appends overwrite in place, size and blocks
 *       do not change, so fdatasync only flushes data;</li>
 *   <li>{@code setlen}: a file extended with {@code setLength} (sparse, no blocks): size does not change but
 *       every append allocates blocks (what fallocate-less "preallocation" gives);</li>
 *   <li>{@code dsync}: the zero-filled file opened with {@code O_DSYNC}, each write durable on return, no
 *       separate fdatasync.</li>
 * </ul>
 * Runs the modes alternately, {@code rounds} times, each for at most {@code seconds} or {@code appends} appends,
 * and prints per mode the median over rounds of appends/s and of p50/p99 latency of write+fdatasync.
 *
 * <p>Usage: {@code java FdatasyncMicro.java DIR [appendBytes=4096] [appends=2000] [seconds=5] [rounds=3]}
 */
public final class FdatasyncMicro {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int appendBytes = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int appends = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 5;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        String[] modes = {"grow", "zeros", "setlen", "dsync"};
        long fileBytes = (long) appendBytes * appends;
        double[][] rate = new double[modes.length][rounds];
        double[][] p50 = new double[modes.length][rounds];
        double[][] p99 = new double[modes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < modes.length; m++) {
                Path file = dir.resolve("fdatasync-micro-" + modes[m] + ".dat");
                Files.deleteIfExists(file);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
                    prepare(ch, modes[m], fileBytes);
                }
                boolean dsync = modes[m].equals("dsync");
                try (FileChannel ch = dsync
                        ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.DSYNC)
                        : FileChannel.open(file, StandardOpenOption.WRITE)) {
                    long[] lat = run(ch, appendBytes, appends, seconds * 1_000_000_000L, !dsync);
                    Arrays.sort(lat);
                    long total = Arrays.stream(lat).sum();
                    rate[m][r] = lat.length / (total / 1e9);
                    p50[m][r] = lat[lat.length / 2] / 1e6;
                    p99[m][r] = lat[Math.min(lat.length - 1, (int) (lat.length * 0.99))] / 1e6;
                    System.out.printf("round %d %-6s %6d appends  %8.0f/s  p50 %6.2f ms  p99 %6.2f ms%n", r + 1,
                            modes[m], lat.length, rate[m][r], p50[m][r], p99[m][r]);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
        System.out.println("median over rounds:");
        for (int m = 0; m < modes.length; m++) {
            System.out.printf("%-6s %8.0f appends/s  p50 %6.2f ms  p99 %6.2f ms  (%.2fx grow)%n", modes[m],
                    median(rate[m]), median(p50[m]), median(p99[m]), median(rate[m]) / median(rate[0]));
        }
    }

    private static void prepare(FileChannel ch, String mode, long fileBytes) throws IOException {
        switch (mode) {
            case "zeros", "dsync" -> {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                long pos = 0;
                while (pos < fileBytes) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), fileBytes - pos));
                    pos += ch.write(zeros, pos);
                }
                ch.force(true);
            }
            case "setlen" -> {
                ch.write(ByteBuffer.allocate(1), fileBytes - 1);
                ch.force(true);
            }
            default -> ch.force(true);
        }
    }

    private static long[] run(FileChannel ch, int appendBytes, int appends, long maxNanos, boolean fdatasync)
            throws IOException {
        ByteBuffer data = ByteBuffer.allocateDirect(appendBytes);
        for (int i = 0; i < appendBytes; i++) {
            data.put(i, (byte) (i * 31 + 7));
        }
        long[] lat = new long[appends];
        long deadline = System.nanoTime() + maxNanos;
        int n = 0;
        long pos = 0;
        while (n < appends && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            data.clear();
            while (data.hasRemaining()) {
                pos += ch.write(data, pos);
            }
            if (fdatasync) {
                ch.force(false);
            }
            lat[n++] = System.nanoTime() - t0;
        }
        return Arrays.copyOf(lat, n);
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
