package io.nommer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nommer.cli.NommerClient;
import io.nommer.core.auth.Role;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.store.Store;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import io.nommer.store.postgres.PostgresStores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The orchestration alone, on PostgreSQL with durable commits (fsync and synchronous_commit on): jobs/s end to end
 * (HTTP submit, claim, complete; the null encoder), submit-to-claim latency for an idle worker, and claim latency
 * with a deep queue. Not a test: it prints numbers and asserts nothing. Method in BENCHMARKS.md.
 *
 * <p>Usage: {@code ./bench throughput [single-jobs] [bulk-jobs] [deep-queue]}, defaults 20000 50000 1000000; the
 * system property {@code bench.slots} sets the in-process worker slots (default 2), {@code bench.tenants} how many
 * tenants submit (default: authentication off, one tenant).
 */
public final class ThroughputBenchmark {
    /** {@code -Dbench.statements=true}: after each timed run, the statements PostgreSQL spent the most time on. */
    private static final boolean STATEMENTS = Boolean.getBoolean("bench.statements");
    /** {@code -Dbench.wal=true}: after each timed bulk run, its WAL per job by table and index (pg_walinspect). */
    private static final boolean WAL = Boolean.getBoolean("bench.wal");
    /** {@code -Dbench.rounds=N}: timed rounds of the single and bulk runs (default 5); medians are printed. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /**
     * {@code -Dbench.tenants=N}: API keys required and N tenants, client i submitting as tenant i mod N (each with its
     * own upload as the input), so that the queue holds several tenants' jobs at once; 0 (the default): authentication
     * off and every job the default tenant's, as in the quick start.
     */
    private static final int TENANTS = Integer.getInteger("bench.tenants", 0);
    /**
     * {@code -Dbench.retention=30s}: the server's {@code job_retention}, short enough for jobs to expire during the run
     * (default: the product's, 30 days, so nothing does).
     */
    private static final String RETENTION = System.getProperty("bench.retention");
    /**
     * {@code -Dbench.peer=false}: nommer alone, without graphile-worker beside it ({@link PeerQueue}; default on, from
     * {@code nommer-bench/peer}).
     */
    private static final boolean PEER = !"false".equals(System.getProperty("bench.peer"));
    /**
     * {@code -Dbench.held=N}: before the runs, the store is given N succeeded jobs that finished 59 to 31 days ago
     * ({@link HistoryBenchmark#finishedJobs}), so that the rates are measured on a store with a long history; with
     * them, {@code job_retention} is off unless {@code bench.retention} names one (default 0: a fresh store).
     */
    private static final int HELD = Integer.getInteger("bench.held", 0);
    /**
     * {@code -Dbench.settle=false}: timed runs follow one another at once, each paying for the autovacuum of what the
     * one before left (the method before session 17); by default each starts on a settled server ({@link #settleBeforeRun}).
     */
    private static final boolean SETTLE = !"false".equals(System.getProperty("bench.settle"));
    /** {@code -Dbench.peer.single=N}: the peer's single-submit jobs per round (default 5000: it adds them slowly). */
    private static final int PEER_SINGLE = Integer.getInteger("bench.peer.single", 5_000);

    private static final int MAX_WARM_UP_ROUNDS = 8;
    /** The database of the end-to-end runs. */
    private static final String E2E_DB = "nommer_e2e";

    private ThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int singleJobs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int bulkJobs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int deep = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path dir = Files.createTempDirectory("nommer-throughput");
        System.out.println("PostgreSQL's and the server's data: " + dir + " (deleted at the end)");
        EmbeddedPostgres.Builder builder = BenchSupport.durablePostgres(dir.resolve("pg"));
        if (STATEMENTS) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("pg_stat_statements.track_planning", "on");
        }
        try (EmbeddedPostgres pg = builder.start()) {
            BenchSupport.describe(pg);
            PeerQueue peer = PEER ? PeerQueue.on(pg, Path.of("nommer-bench", "peer")) : null;
            endToEnd(pg, dir, singleJobs, bulkJobs, peer);
            claimLatency(pg, deep);
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- end to end over HTTP

    /** Who submits: a client with its key (null with authentication off), and its own upload as the input. */
    private record Tenant(NommerClient client, String key, String input) {}

    private static void endToEnd(EmbeddedPostgres pg, Path dir, int singleJobs, int bulkJobs, PeerQueue peer)
            throws Exception {
        String url = newDatabase(pg, E2E_DB);
        Map<String, String> flags = new HashMap<>(Map.of(
                "port",
                "0",
                "data",
                dir.resolve("data").toString(),
                "store",
                url,
                "workers",
                System.getProperty("bench.slots", "2"),
                "encoder",
                "null"));
        List<String> keys = new ArrayList<>();
        if (TENANTS > 0) {
            flags.put("auth", "keys");
            try (Store store = PostgresStores.open(url)) {
                for (int t = 0; t < TENANTS; t++) {
                    keys.add(store.keys()
                            .create("tenant-" + t, Role.TENANT, "benchmark", null)
                            .token());
                }
            }
            System.out.println(TENANTS + " tenant(s), API keys required; client i submits as tenant i mod " + TENANTS);
        } else {
            keys.add(null);
        }
        if (HELD > 0) {
            try (Store store = PostgresStores.open(url);
                    Connection sql = pg.getDatabase("postgres", E2E_DB).getConnection()) {
                HistoryBenchmark.finishedJobs(store, sql, HELD);
                HistoryBenchmark.settle(sql);
            }
            System.out.printf(Locale.ROOT, "the store holds %,d finished jobs before the runs (bench.held)%n", HELD);
            flags.put("job_retention", "0");
        }
        if (RETENTION != null) {
            flags.put("job_retention", RETENTION);
            System.out.println(
                    "job_retention " + RETENTION + " (bench.retention): finished jobs are deleted as the run goes");
        }
        try (NommerServer server = NommerServer.start(ConfigLoader.load(flags, Map.of()))) {
            Path in = Files.writeString(dir.resolve("in.bin"), "never read");
            List<Tenant> tenants = new ArrayList<>();
            for (String key : keys) {
                NommerClient client = new NommerClient(URI.create(server.baseUrl()), key);
                tenants.add(
                        new Tenant(client, key, client.upload(in).path("uri").asText()));
            }
            try (Store store = PostgresStores.open(url);
                    Connection db = pg.getDatabase("postgres", E2E_DB).getConnection()) {
                // Warm-up: connection pools, query plans, and above all the JIT. The service runs for days, so the
                // timed runs measure it compiled: warm-up rounds go on until one of them keeps the compilers busy for
                // less than a twentieth of its length (two fixed rounds left C2 compiling on one core for the first
                // ten seconds of the timed runs).
                System.out.println("warming up (untimed), until the JIT is quiet:");
                CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
                for (int round = 0; round < MAX_WARM_UP_ROUNDS; round++) {
                    long compiling = jit.getTotalCompilationTime();
                    long t0 = System.nanoTime();
                    runSingle(tenants, db, Math.min(singleJobs, 10_000), 16);
                    runBulk(tenants, db, Math.min(bulkJobs, 20_000), 2);
                    double seconds = seconds(t0);
                    double compiled = (jit.getTotalCompilationTime() - compiling) / 1000.0;
                    System.out.printf(
                            Locale.ROOT,
                            "  (warm-up round %d: %.1f s, %.1f s of it compiling; the store holds %,d jobs)%n",
                            round + 1,
                            seconds,
                            compiled,
                            count(db, "jobs"));
                    if (compiled < seconds / 20) {
                        break;
                    }
                }
                if (peer != null) {
                    peer.single(Math.min(PEER_SINGLE, 2_000), 16);
                    peer.bulk(Math.min(bulkJobs, 20_000), 2);
                    System.out.println("  (the peer queue warmed up: one untimed single and bulk run)");
                }
                System.out.println("timed (" + ROUNDS + " rounds):");
                List<Double> singles = new ArrayList<>();
                List<Double> bulks = new ArrayList<>();
                List<Double> peerSingles = new ArrayList<>();
                List<Double> peerBulks = new ArrayList<>();
                String peerName = null;
                for (int round = 0; round < ROUNDS; round++) {
                    settleBeforeRun(pg, peer);
                    resetStatements(pg);
                    long wal = walBytes(pg);
                    singles.add(runSingle(tenants, db, singleJobs, 16));
                    System.out.printf(
                            Locale.ROOT,
                            "single submits: %d jobs, 16 concurrent clients: %.0f jobs/s end to "
                                    + "end (%.2f KiB of WAL per job)%n",
                            singleJobs,
                            singles.getLast(),
                            (walBytes(pg) - wal) / 1024.0 / singleJobs);
                    printStatements(pg);
                    settleBeforeRun(pg, peer);
                    wal = walBytes(pg);
                    String walStart = lsn(db);
                    BenchSupport.Cpu cpu = BenchSupport.Cpu.now(dir.resolve("pg"));
                    bulks.add(runBulk(tenants, db, bulkJobs, 2));
                    BenchSupport.Cpu used =
                            BenchSupport.Cpu.now(dir.resolve("pg")).minus(cpu);
                    System.out.printf(
                            Locale.ROOT,
                            "bulk submits:   %d jobs, 1000 per request, 2 concurrent clients: "
                                    + "%.0f jobs/s end to end (%.2f KiB of WAL per job; CPU per job: service %.0f us, "
                                    + "PostgreSQL %.0f us)%n",
                            bulkJobs,
                            bulks.getLast(),
                            (walBytes(pg) - wal) / 1024.0 / bulkJobs,
                            used.service() * 1e6 / bulkJobs,
                            used.postgres() * 1e6 / bulkJobs);
                    System.out.printf(Locale.ROOT, "  (the store holds %,d jobs)%n", count(db, "jobs"));
                    printStatements(pg);
                    printWal(db, walStart, bulkJobs);
                    if (peer != null) {
                        settleBeforeRun(pg, peer);
                        wal = walBytes(pg);
                        PeerQueue.Run ps = peer.single(PEER_SINGLE, 16);
                        peerName = "graphile-worker " + ps.version();
                        peerSingles.add(ps.jobsPerSecond());
                        System.out.printf(
                                Locale.ROOT,
                                "%s, single adds: %d jobs, 16 concurrent clients: %.0f jobs/s (%.1f KiB of WAL per "
                                        + "job)%n",
                                peerName,
                                PEER_SINGLE,
                                ps.jobsPerSecond(),
                                (walBytes(pg) - wal) / 1024.0 / PEER_SINGLE);
                        settleBeforeRun(pg, peer);
                        wal = walBytes(pg);
                        cpu = BenchSupport.Cpu.now(dir.resolve("pg"));
                        PeerQueue.Run pb = peer.bulk(bulkJobs, 2);
                        used = BenchSupport.Cpu.now(dir.resolve("pg")).minus(cpu);
                        peerBulks.add(pb.jobsPerSecond());
                        System.out.printf(
                                Locale.ROOT,
                                "%s, bulk adds:   %d jobs, 1000 per call, 2 concurrent clients: %.0f jobs/s (%.1f KiB "
                                        + "of WAL per job; CPU per job: node %.0f us, PostgreSQL %.0f us); "
                                        + "nommer/peer bulk this round: %.2f%n",
                                peerName,
                                bulkJobs,
                                pb.jobsPerSecond(),
                                (walBytes(pg) - wal) / 1024.0 / bulkJobs,
                                pb.cpuSeconds() * 1e6 / bulkJobs,
                                used.postgres() * 1e6 / bulkJobs,
                                bulks.getLast() / pb.jobsPerSecond());
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "median of %d rounds: single submits %.0f jobs/s, bulk submits %.0f jobs/s%n",
                        ROUNDS,
                        BenchSupport.median(singles),
                        BenchSupport.median(bulks));
                if (peer != null) {
                    System.out.printf(
                            Locale.ROOT,
                            "median of %d rounds: %s single adds %.0f jobs/s, bulk adds %.0f jobs/s; nommer/peer: "
                                    + "single %.2f, bulk %.2f%n",
                            ROUNDS,
                            peerName,
                            BenchSupport.median(peerSingles),
                            BenchSupport.median(peerBulks),
                            BenchSupport.median(singles) / BenchSupport.median(peerSingles),
                            BenchSupport.median(bulks) / BenchSupport.median(peerBulks));
                }
                Tenant first = tenants.get(0);
                submitToClaim(first.client(), store, first.input(), 500);
                if (peer != null) {
                    JsonNode l = peer.latency(500);
                    System.out.printf(
                            Locale.ROOT,
                            "%s add-to-start, idle worker, 500 samples: p50 %d ms, p99 %d ms, max %d ms%n",
                            peerName,
                            l.path("p50_ms").asInt(),
                            l.path("p99_ms").asInt(),
                            l.path("max_ms").asInt());
                }
            }
        }
    }

    private static ObjectNode job(NommerClient client, String input) {
        ObjectNode job = client.mapper().createObjectNode();
        job.put("input", input);
        job.putArray("outputs").addObject().put("preset", "mp4-h264");
        return job;
    }

    /** Jobs/s from the first submit until every job succeeded. */
    private static double runSingle(List<Tenant> tenants, Connection db, int jobs, int clients) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (Tenant t : tenants) {
            bodies.add(t.client().mapper().writeValueAsBytes(job(t.client(), t.input())));
        }
        double[] times = run(tenants, db, "/v1/jobs", bodies, jobs, clients);
        System.out.printf(
                Locale.ROOT,
                "  (single: %d jobs accepted in %.1f s, all finished after %.1f s)%n",
                jobs,
                times[0],
                times[1]);
        return jobs / times[1];
    }

    private static double runBulk(List<Tenant> tenants, Connection db, int jobs, int clients) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (Tenant t : tenants) {
            ObjectNode bulk = t.client().mapper().createObjectNode();
            for (int i = 0; i < 1000; i++) {
                bulk.withArray("jobs").add(job(t.client(), t.input()));
            }
            bodies.add(t.client().mapper().writeValueAsBytes(bulk));
        }
        int requests = jobs / 1000;
        double[] times = run(tenants, db, "/v1/jobs/bulk", bodies, requests, clients);
        System.out.printf(
                Locale.ROOT,
                "  (bulk: %d jobs accepted in %.1f s, all finished after %.1f s, at %s)%n",
                requests * 1000,
                times[0],
                times[1],
                LocalTime.now().withNano(0));
        return requests * 1000 / times[1];
    }

    /**
     * Posts to {@code path} {@code requests} times from {@code clients} concurrent connections, client i as tenant i
     * mod the number of tenants with that tenant's body; answers the seconds until the last answer and until no job
     * was left queued or running.
     */
    private static double[] run(
            List<Tenant> tenants, Connection db, String path, List<byte[]> bodies, int requests, int clients)
            throws Exception {
        AtomicInteger left = new AtomicInteger(requests);
        AtomicInteger nextClient = new AtomicInteger();
        URI base = tenants.get(0).client().baseUri();
        long t0 = System.nanoTime();
        BenchSupport.concurrently(clients, () -> {
            int t = nextClient.getAndIncrement() % tenants.size();
            try (LoadClient http =
                    new LoadClient(base, path, bodies.get(t), tenants.get(t).key())) {
                while (left.getAndDecrement() > 0) {
                    http.post();
                }
            }
        });
        double accepted = seconds(t0);
        awaitDrained(db);
        return new double[] {accepted, seconds(t0)};
    }

    /**
     * Waits until no task is queued or running, checked every 50 ms in SQL on the queue's partial indexes (a job
     * finishes in the transaction that finishes its last task).
     */
    private static void awaitDrained(Connection db) throws Exception {
        try (Statement st = db.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM tasks WHERE state = 'queued') "
                        + "OR EXISTS (SELECT 1 FROM tasks WHERE state = 'running')")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * One job at a time to an idle worker: from just before the HTTP submit to the task's {@code started_at} (the
     * claim's database time, millisecond resolution; PostgreSQL runs on this machine, so both clocks are one).
     */
    private static void submitToClaim(NommerClient client, Store store, String input, int samples) throws Exception {
        double[] ms = new double[samples];
        for (int i = 0; i < samples; i++) {
            Thread.sleep(20); // let the worker go idle and wait on LISTEN
            long before = System.currentTimeMillis();
            String id = client.submit(job(client, input)).path("id").asText();
            Instant started;
            do {
                Thread.sleep(1);
                started = store.jobs().find(id).orElseThrow().tasks().get(0).startedAt();
            } while (started == null);
            ms[i] = started.toEpochMilli() - before;
        }
        Arrays.sort(ms);
        System.out.printf(
                Locale.ROOT,
                "submit-to-claim, idle worker, %d samples: p50 %.0f ms, p99 %.0f ms, max %.0f ms "
                        + "(1 ms resolution)%n",
                samples,
                pct(ms, 50),
                pct(ms, 99),
                ms[ms.length - 1]);
    }

    // ---------------------------------------------------------------- claim latency with a deep queue

    /**
     * Claim latency with 1k and with {@code deep} tasks queued: both queues are set up first, then the timed claims
     * alternate between them in blocks of 100, so that a slow spell of the machine lands on both alike.
     */
    private static void claimLatency(EmbeddedPostgres pg, int deep) throws Exception {
        try (Store shallow = queueOf(pg, "nommer_q1k", 1_000);
                Store deepQueue = queueOf(pg, "nommer_q" + deep, deep)) {
            claimMillis(shallow, 100, "warm-up");
            claimMillis(deepQueue, 100, "warm-up");
            double shallowTotal = 0;
            double deepTotal = 0;
            int blocks = 10;
            for (int b = 0; b < blocks; b++) {
                shallowTotal += claimMillis(shallow, 100, "s" + b);
                deepTotal += claimMillis(deepQueue, 100, "d" + b);
            }
            double shallowMs = shallowTotal / (blocks * 100);
            double deepMs = deepTotal / (blocks * 100);
            System.out.printf(
                    Locale.ROOT,
                    "claim latency (mean of 1000 claim calls each, queue depth held, "
                            + "alternating blocks of 100): 1k queued %.3f ms, %d queued %.3f ms, ratio %.2f%n",
                    shallowMs,
                    deep,
                    deepMs,
                    deepMs / shallowMs);
        }
    }

    /** A store whose queue holds {@code queued} tasks. */
    static Store queueOf(EmbeddedPostgres pg, String db, int queued) throws Exception {
        Store store = PostgresStores.open(newDatabase(pg, db));
        fillQueue(pg, db, store, queued);
        return store;
    }

    /** Queues {@code queued} tasks in {@code store}, the store of database {@code db}. */
    static void fillQueue(EmbeddedPostgres pg, String db, Store store, int queued) throws Exception {
        // One job through the API's own path, then copied in SQL: a million HTTP submits would take too long to set
        // up, and the rows are the same.
        store.jobs().create(template("job_template"));
        long t0 = System.nanoTime();
        // why db, not the end-to-end database: copying the template from a database that does not hold it copied
        // nothing, and until session 9 the deep queue measured held one task (see BENCHMARKS.md)
        try (Connection c = pg.getDatabase("postgres", db).getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO jobs (id, state, priority, input, metadata, max_attempts, cloud, created_at, "
                    + "updated_at) SELECT 'job_q' || g, state, priority, input, metadata, max_attempts, cloud, "
                    + "created_at, updated_at FROM jobs, generate_series(1, " + (queued - 1) + ") g "
                    + "WHERE id = 'job_template'");
            st.execute("INSERT INTO tasks (id, job_id, idx, name, preset, profile, state, priority, cloud, "
                    + "max_attempts, run_after, created_at, updated_at) SELECT 'tsk_q' || g || '_0', 'job_q' || g, "
                    + "0, name, preset, profile, state, priority, cloud, max_attempts, run_after, created_at, "
                    + "updated_at FROM tasks, generate_series(1, " + (queued - 1) + ") g "
                    + "WHERE job_id = 'job_template'");
            st.execute("VACUUM ANALYZE jobs");
            st.execute("VACUUM ANALYZE tasks");
            // why: loading a million rows sets off a checkpoint; it must not land in the timed calls
            st.execute("CHECKPOINT");
        }
        System.out.printf(Locale.ROOT, "  (%d queued tasks set up in %.1f s)%n", queued, seconds(t0));
    }

    /**
     * The total milliseconds of {@code n} timed {@code claim(1)} calls. Each claimed task is completed and replaced by
     * a new job outside the timed call, so the queue stays at its depth.
     */
    static double claimMillis(Store store, int n, String block) {
        long total = 0;
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            ClaimedTask t =
                    store.queue().claim("bench", 1, Duration.ofSeconds(30)).get(0);
            total += System.nanoTime() - s;
            store.queue().completeAll(List.of(new Completion(t.taskId(), t.leaseToken(), List.of(), 0)));
            store.jobs().create(template("job_refill_" + block + "_" + i));
        }
        return total / 1e6;
    }

    static io.nommer.core.job.NewJob template(String id) {
        return new io.nommer.core.job.NewJob(
                id,
                "upload:upl_template",
                List.of(new io.nommer.core.job.OutputSpec(
                        "mp4-h264",
                        "mp4-h264",
                        io.nommer.core.profile.Presets.find("mp4-h264").orElseThrow(),
                        null)),
                io.nommer.core.profile.Priority.NORMAL,
                Map.of(),
                null,
                null,
                3,
                null);
    }

    // ---------------------------------------------------------------- plumbing

    static String newDatabase(EmbeddedPostgres pg, String name) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return "postgresql://postgres@localhost:" + pg.getPort() + "/" + name;
    }

    /**
     * Before a timed run: {@code VACUUM} of both queues' databases, then a wait until no autovacuum worker runs. Why:
     * autovacuum may clean up after a run once it has ended, and the benchmark's PostgreSQL CPU and rate are the whole
     * server's, so a run could pay for the garbage of the runs before it (each queue's bulk run follows its own single
     * run, whose garbage slows it down most). Each run still pays for the autovacuum its own garbage starts while it
     * runs. The time the cleanup took is printed after the run whose garbage it was; what it changes is in
     * BENCHMARKS.md ("Session 17"). Not {@link HistoryBenchmark#settle}, which also analyzes and checkpoints a filled
     * store once.
     */
    private static void settleBeforeRun(EmbeddedPostgres pg, PeerQueue peer) throws Exception {
        if (!SETTLE) {
            return;
        }
        long t0 = System.nanoTime();
        List<String> databases = peer == null ? List.of(E2E_DB) : List.of(E2E_DB, PeerQueue.DATABASE);
        for (String name : databases) {
            try (Connection c = pg.getDatabase("postgres", name).getConnection();
                    Statement st = c.createStatement()) {
                st.execute("VACUUM");
            }
        }
        int autovacuums = 0;
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            for (int i = 0; i < 300; i++) {
                try (ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")) {
                    rs.next();
                    autovacuums = rs.getInt(1);
                }
                if (autovacuums == 0) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "  (settled in %.1f s: VACUUM of the queues' databases%s)%n",
                seconds(t0),
                autovacuums == 0 ? "" : "; " + autovacuums + " autovacuum worker(s) still running after 30 s");
    }

    private static void resetStatements(EmbeddedPostgres pg) throws Exception {
        if (STATEMENTS) {
            try (Connection c = pg.getDatabase("postgres", E2E_DB).getConnection();
                    Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                st.execute("SELECT pg_stat_statements_reset()");
            }
        }
    }

    /** The 15 statements with the most execution time since the last reset, then resets. */
    private static void printStatements(EmbeddedPostgres pg) throws Exception {
        if (!STATEMENTS) {
            return;
        }
        try (Connection c = pg.getDatabase("postgres", E2E_DB).getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT total_exec_time, total_plan_time, calls, rows, "
                                + "left(regexp_replace(query, '\\s+', ' ', 'g'), 140), sum(total_exec_time) OVER (), "
                                + "sum(total_plan_time) OVER () FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15")) {
            System.out.println("  statements by execution time (ms executing, ms planning, calls, rows, statement):");
            while (rs.next()) {
                if (rs.getRow() == 1) {
                    System.out.printf(
                            Locale.ROOT,
                            "  all statements: %.0f ms executing, %.0f ms planning%n",
                            rs.getDouble(6),
                            rs.getDouble(7));
                }
                System.out.printf(
                        Locale.ROOT,
                        "  %7.0f %7.0f %7d %8d  %s%n",
                        rs.getDouble(1),
                        rs.getDouble(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getString(5));
            }
        }
        resetStatements(pg);
    }

    private static long count(Connection db, String table) throws Exception {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String lsn(Connection db) throws Exception {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * With {@code bench.wal}: the WAL written since {@code start}, per job, by the relation each record changes
     * first (its first block reference; commits and other records without one together) and the record's type
     * (an insert, an update, a row lock...), full-page images apart; the 30 largest. Autovacuum's records land on
     * the tables it cleans.
     */
    private static void printWal(Connection db, String start, int jobs) throws Exception {
        if (!WAL) {
            return;
        }
        try (Statement st = db.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        }
        try (java.sql.PreparedStatement ps = db.prepareStatement(
                "WITH r AS (SELECT substring(block_ref from 'rel [0-9]+/[0-9]+/([0-9]+)')::oid AS node, "
                        + "record_type, record_length, fpi_length "
                        + "FROM pg_get_wal_records_info(?::pg_lsn, pg_current_wal_lsn())) "
                        + "SELECT coalesce(c.relname, CASE WHEN r.node IS NULL THEN '(no relation: commits...)' "
                        + "ELSE 'relfilenode ' || r.node END) || ' ' || r.record_type AS rel, sum(record_length) AS bytes, "
                        + "sum(fpi_length) AS fpi, count(*) AS records "
                        + "FROM r LEFT JOIN pg_class c ON c.relfilenode = r.node GROUP BY 1 ORDER BY 2 DESC LIMIT 30")) {
            ps.setString(1, start);
            try (ResultSet rs = ps.executeQuery()) {
                System.out.println(
                        "  WAL per job by relation and record type (bytes, of them full-page images, records):");
                while (rs.next()) {
                    System.out.printf(
                            Locale.ROOT,
                            "    %-40s %7.0f B %7.0f B %6.2f%n",
                            rs.getString("rel"),
                            rs.getDouble("bytes") / jobs,
                            rs.getDouble("fpi") / jobs,
                            rs.getDouble("records") / jobs);
                }
            }
        }
    }

    private static long walBytes(EmbeddedPostgres pg) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
