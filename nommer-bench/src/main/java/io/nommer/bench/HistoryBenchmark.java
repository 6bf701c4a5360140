package io.nommer.bench;

import io.nommer.core.job.OutputFile;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.retention.Retention;
import io.nommer.core.retention.RetentionPolicy;
import io.nommer.core.store.Store;
import io.nommer.storage.Storages;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.local.LocalStorageConfig;
import io.nommer.store.postgres.PostgresStores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Whether a store's history slows its claims: the claim loop of the throughput benchmark's deep-queue measure, on a
 * fresh store and on one holding millions of finished jobs (made in SQL, not through the API), alternating blocks;
 * then while retention deletes those jobs, and after. Not a test: it prints numbers and asserts nothing. Method in
 * BENCHMARKS.md.
 *
 * <p>Usage: {@code ./bench history [finished-jobs]}, default 5000000.
 */
public final class HistoryBenchmark {
    private static final int QUEUED = 1_000;
    private static final int BLOCK = 100;
    private static final int BLOCKS = 10;
    /** Rows made per INSERT: one statement for millions of jobs would hold gigabytes of WAL in one transaction. */
    private static final int CHUNK = 500_000;

    private HistoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int finished = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        Path dir = Files.createTempDirectory("nommer-history");
        System.out.println("PostgreSQL's data: " + dir + " (deleted at the end)");
        try (EmbeddedPostgres pg =
                BenchSupport.durablePostgres(dir.resolve("pg")).start()) {
            BenchSupport.describe(pg);
            String heldDb = "nommer_held";
            try (Store fresh = ThroughputBenchmark.queueOf(pg, "nommer_fresh", QUEUED);
                    Store held = PostgresStores.open(ThroughputBenchmark.newDatabase(pg, heldDb));
                    Connection sql = pg.getDatabase("postgres", heldDb).getConnection();
                    Storages storage =
                            Storages.create(LocalStorageConfig.of(dir.resolve("data")), HttpFetchConfig.defaults())) {
                finishedJobs(held, sql, finished);
                ThroughputBenchmark.fillQueue(pg, heldDb, held, QUEUED);
                settle(sql);
                printSizes(sql);

                compare("holding " + String.format(Locale.ROOT, "%,d", finished) + " finished jobs", "a", fresh, held);

                // retention as the product runs it: the default 30 days, every job made above older than that
                Retention retention = new Retention(
                        held.retention(),
                        storage,
                        storage,
                        new RetentionPolicy(RetentionPolicy.DEFAULT_JOBS, Duration.ZERO, false));
                long t0 = System.nanoTime();
                CompletableFuture<Retention.Deleted> deleting = CompletableFuture.supplyAsync(retention::run);
                int blocks = 0;
                double freshMs = 0;
                double heldMs = 0;
                while (!deleting.isDone()) {
                    freshMs += ThroughputBenchmark.claimMillis(fresh, BLOCK, "fd" + blocks);
                    heldMs += ThroughputBenchmark.claimMillis(held, BLOCK, "hd" + blocks);
                    blocks++;
                }
                Retention.Deleted deleted = deleting.join();
                double seconds = ThroughputBenchmark.seconds(t0);
                System.out.printf(
                        Locale.ROOT,
                        "retention deleted %,d jobs in %.0f s (%,.0f jobs/s, batches of %d, pausing as long as each "
                                + "batch took)%n",
                        deleted.jobs(),
                        seconds,
                        deleted.jobs() / seconds,
                        Retention.BATCH);
                print("while retention deleted them", blocks, freshMs, heldMs);
                printSizes(sql);

                compare("after retention, before VACUUM", "b", fresh, held);
                settle(sql);
                printSizes(sql);
                compare("after retention and VACUUM", "c", fresh, held);
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    /**
     * {@code n} succeeded jobs that finished 59 to 31 days ago, each a copy of one job made through the store's own
     * calls (created, claimed, completed with a file): its row, its task and its timeline, and a webhook delivered.
     */
    static void finishedJobs(Store store, Connection sql, int n) throws Exception {
        store.jobs().create(ThroughputBenchmark.template("job_done"));
        ClaimedTask c = store.queue().claim("bench", 1, Duration.ofSeconds(30)).get(0);
        store.queue()
                .complete(
                        c.taskId(),
                        c.leaseToken(),
                        List.of(new OutputFile(
                                "mp4-h264.mp4",
                                "file:///srv/nommer/outputs/job_done/mp4-h264/mp4-h264.mp4",
                                1_234_567,
                                "video",
                                10.0,
                                1280,
                                720)),
                        1.5);
        long t0 = System.nanoTime();
        try (Statement st = sql.createStatement()) {
            // job g finished at oldest + g * step: 59 days ago for the first, 31 for the last
            long now = System.currentTimeMillis();
            long oldest = now - Duration.ofDays(59).toMillis();
            long step = Math.max(1, Duration.ofDays(28).toMillis() / n);
            for (int from = 1; from <= n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK - 1);
                String series = "generate_series(" + from + ", " + to + ") g";
                String at = "(" + oldest + " + g::bigint * " + step + ")";
                st.execute("INSERT INTO jobs (id, state, priority, input, metadata, max_attempts, cloud, created_at, "
                        + "started_at, finished_at, updated_at, owner_token_hash, tenant, notify_url) SELECT 'job_h' || g, "
                        + "state, priority, input, metadata, max_attempts, cloud, " + at + " - 2000, " + at
                        + " - 1000, "
                        + at + ", " + at
                        + ", owner_token_hash, tenant, 'https://app.example.com/hooks/nommer' FROM jobs, "
                        + series + " WHERE id = 'job_done'");
                st.execute("INSERT INTO tasks (id, job_id, idx, name, preset, profile, destination, state, priority, "
                        + "cloud, progress, attempt, max_attempts, run_after, worker_id, files, cpu_seconds, created_at, "
                        + "started_at, finished_at, updated_at, parts, waiting_on) SELECT 'tsk_h' || g || '_0', "
                        + "'job_h' || g, idx, name, preset, profile, destination, state, priority, cloud, progress, "
                        + "attempt, max_attempts, " + at
                        + " - 2000, NULL, NULL, "
                        + "cpu_seconds, " + at + " - 2000, " + at + " - 1000, " + at + ", " + at
                        + ", parts, waiting_on "
                        + "FROM tasks, " + series + " WHERE job_id = 'job_done'");
                st.execute("INSERT INTO job_finishes (finished_at, job_id) SELECT " + at + ", 'job_h' || g FROM "
                        + series);
                // each delivered its webhook a moment after it finished
                st.execute("INSERT INTO outbox (job_id, url, event, created_at, attempts, next_attempt_at, "
                        + "delivered_at, http_status) SELECT 'job_h' || g, 'https://app.example.com/hooks/nommer', "
                        + "'job.succeeded', " + at + ", 1, " + at + ", " + at + " + 150, 200 FROM " + series);
                st.execute("INSERT INTO job_events (job_id, task_id, created_at, type, message) SELECT 'job_h' || g, "
                        + "CASE WHEN task_id IS NULL THEN NULL ELSE 'tsk_h' || g || '_0' END, " + at
                        + ", type, message "
                        + "FROM job_events, " + series + " WHERE job_id = 'job_done'");
                System.out.printf(
                        Locale.ROOT, "  (%,d finished jobs made, %.0f s)%n", to, ThroughputBenchmark.seconds(t0));
            }
        }
        try (Statement st = sql.createStatement()) {
            // why: rows as the service leaves them: inserted without what running and finishing add (a worker, the
            // output files), then updated. A finished task inserted whole left room on each page for one shorter new
            // row, and the benchmark's new tasks then went into the held pages one a page (BENCHMARKS.md, session 15)
            st.execute("UPDATE tasks SET worker_id = d.worker_id, files = replace(d.files, 'job_done', tasks.job_id) "
                    + "FROM tasks d WHERE d.job_id = 'job_done' AND tasks.job_id LIKE 'job\\_h%'");
        }
        System.out.printf(Locale.ROOT, "  (their tasks finished in place, %.0f s)%n", ThroughputBenchmark.seconds(t0));
        store.jobs().find("job_done").orElseThrow();
    }

    /** {@code VACUUM ANALYZE} of the queue's tables, then a checkpoint, so neither lands in the timed claims. */
    static void settle(Connection sql) throws Exception {
        long t0 = System.nanoTime();
        try (Statement st = sql.createStatement()) {
            for (String table : List.of("jobs", "tasks", "job_events", "outbox")) {
                st.execute("VACUUM ANALYZE " + table);
            }
            st.execute("CHECKPOINT");
        }
        System.out.printf(Locale.ROOT, "  (VACUUM ANALYZE and CHECKPOINT, %.0f s)%n", ThroughputBenchmark.seconds(t0));
    }

    private static void printSizes(Connection sql) throws Exception {
        try (Statement st = sql.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM jobs), "
                        + "pg_total_relation_size('jobs'), pg_total_relation_size('tasks'), "
                        + "pg_total_relation_size('job_events'), pg_total_relation_size('job_finishes')")) {
            rs.next();
            System.out.printf(
                    Locale.ROOT,
                    "  (held store: %,d jobs; with their indexes jobs %,d MB, tasks %,d MB, job_events %,d MB; "
                            + "job_finishes %,d MB)%n",
                    rs.getLong(1),
                    rs.getLong(2) >> 20,
                    rs.getLong(3) >> 20,
                    rs.getLong(4) >> 20,
                    rs.getLong(5) >> 20);
        }
    }

    /** Untimed warm-up claims on both, then timed blocks alternating between them. */
    private static void compare(String what, String phase, Store fresh, Store held) {
        ThroughputBenchmark.claimMillis(fresh, BLOCK, phase + "w");
        ThroughputBenchmark.claimMillis(held, BLOCK, phase + "w");
        double freshMs = 0;
        double heldMs = 0;
        for (int b = 0; b < BLOCKS; b++) {
            freshMs += ThroughputBenchmark.claimMillis(fresh, BLOCK, phase + b);
            heldMs += ThroughputBenchmark.claimMillis(held, BLOCK, phase + b);
        }
        print(what, BLOCKS, freshMs, heldMs);
    }

    private static void print(String what, int blocks, double freshMs, double heldMs) {
        double fresh = freshMs / (blocks * BLOCK);
        double held = heldMs / (blocks * BLOCK);
        System.out.printf(
                Locale.ROOT,
                "claims, %s (mean of %d claim calls each, alternating blocks of %d): fresh store %.3f ms "
                        + "(%,.0f claims/s), held store %.3f ms (%,.0f claims/s), ratio %.2f%n",
                what,
                blocks * BLOCK,
                BLOCK,
                fresh,
                1000 / fresh,
                held,
                1000 / held,
                held / fresh);
    }
}
