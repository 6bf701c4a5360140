package io.nommer.bench;

import com.sun.management.OperatingSystemMXBean;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * What the benchmarks share: running a generator command, medians, running clients concurrently, a PostgreSQL of
 * their own.
 */
final class BenchSupport {
    private BenchSupport() {}

    /**
     * A PostgreSQL with its data in {@code dataDir}, durable ({@code fsync}, {@code synchronous_commit} and
     * {@code full_page_writes} on: the embedded server's own default is {@code synchronous_commit=off}) and sized as
     * README recommends for a busy farm on this machine; {@code -Dbench.pg=name=value,...} adds settings.
     */
    static EmbeddedPostgres.Builder durablePostgres(Path dataDir) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "200")
                // why: the settings README recommends for a nommer database on this 24 GiB machine. PostgreSQL's
                // defaults (128 MB of buffers, 1 GB of WAL between checkpoints) evict the queue's own pages and
                // checkpoint every few seconds under this load, each checkpoint making the next change of every page
                // a full-page image; and autovacuum, looking only once a minute, let the dead entries that claims
                // leave at the head of the queue index pile up (claims took two and a half times as long by then)
                .setServerConfig("shared_buffers", "2GB")
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("autovacuum_naptime", "5s");
        // -Dbench.pg=name=value,...: more server settings, for experiments (e.g. log_autovacuum_min_duration=0)
        for (String setting : System.getProperty("bench.pg", "").split(",")) {
            if (!setting.isBlank()) {
                String[] kv = setting.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("bench.pg takes name=value,..., not '" + setting + "'");
                }
                builder.setServerConfig(kv[0].trim(), kv[1].trim());
                System.out.println("PostgreSQL setting from bench.pg: " + setting.trim());
            }
        }
        return builder;
    }

    /** Prints the server's version and the settings that matter to the figures. */
    static void describe(EmbeddedPostgres pg) throws Exception {
        System.out.printf(
                Locale.ROOT,
                "PostgreSQL %s on this machine, fsync=%s, synchronous_commit=%s, "
                        + "shared_buffers=%s, max_wal_size=%s, autovacuum_naptime=%s; %d cores%n",
                show(pg, "server_version"),
                show(pg, "fsync"),
                show(pg, "synchronous_commit"),
                show(pg, "shared_buffers"),
                show(pg, "max_wal_size"),
                show(pg, "autovacuum_naptime"),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * CPU seconds used so far, read from {@code /proc} (Linux): by this JVM (the service and the benchmark's clients),
     * and by a PostgreSQL server: its postmaster, the children it has reaped (their time adds to its own), and those
     * alive. On a shared machine, CPU per job says what wall-clock rates cannot: other processes' load slows the
     * rates, not the work each job costs.
     */
    record Cpu(double service, double postgres) {
        static Cpu now(Path pgData) throws IOException {
            double jvm =
                    ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            long postmaster = Long.parseLong(
                    Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
            long ticks = ticks(postmaster, true);
            for (ProcessHandle child :
                    ProcessHandle.of(postmaster).orElseThrow().children().toList()) {
                ticks += ticks(child.pid(), false);
            }
            // why 100: USER_HZ, the unit of /proc's times on Linux
            return new Cpu(jvm, ticks / 100.0);
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(service - earlier.service, postgres - earlier.postgres);
        }

        /** utime + stime, and with {@code reaped} cutime + cstime, of one process; 0 when it is gone. */
        private static long ticks(long pid, boolean reaped) throws IOException {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            } catch (java.nio.file.NoSuchFileException e) {
                return 0;
            }
            // the fields after the command's closing parenthesis, from the state (field 3) on
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return reaped ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        }
    }

    /** Deletes a benchmark's own temporary folder, with everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String show(EmbeddedPostgres pg, String setting) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Runs {@code cmd} with this process's terminal, failing when it exits non-zero. */
    static void run(List<String> cmd, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("could not generate " + what);
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** A client's work loop, run on several virtual threads at once. */
    @FunctionalInterface
    interface Client {
        void run() throws Exception;
    }

    /** Runs {@code client} on {@code clients} threads and waits for all; the first failure is rethrown. */
    static void concurrently(int clients, Client client) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    client.run();
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }
}
