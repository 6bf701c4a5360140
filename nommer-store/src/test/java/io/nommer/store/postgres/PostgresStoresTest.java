package io.nommer.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.store.Store;
import io.nommer.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the contract cannot see: database time, several processes (pools) on one database, opening by URL. */
class PostgresStoresTest {
    static EmbeddedPostgresServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedPostgresServer.shared();
    }

    private static NewJob aJob(String id, int outputs) {
        List<OutputSpec> outs = IntStream.range(0, outputs)
                .mapToObj(i -> new OutputSpec(
                        "out-" + i, "mp4-h264", Presets.find("mp4-h264").orElseThrow(), null))
                .toList();
        return new NewJob(id, "file:///in/" + id + ".mov", outs, Priority.NORMAL, Map.of(), null, null, 3, null);
    }

    @Test
    void open_withoutClock_usesDatabaseTimeForTimestampsAndLeases() {
        try (Store store = PostgresStores.open(server.newDatabaseUrl())) {
            Instant before = Instant.now().minusSeconds(1);
            Job job = store.jobs().create(aJob("job_1", 1)).job();
            ClaimedTask c = store.queue().claim("w1", 1, Duration.ofMinutes(5)).get(0);
            Instant after = Instant.now().plusSeconds(1);

            assertThat(job.createdAt()).isBetween(before, after);
            assertThat(c.task().startedAt()).isBetween(before, after);
            assertThat(store.queue().reapExpiredLeases(Duration.ZERO))
                    .as("a 5 minute lease is not expired")
                    .isZero();
            assertThat(store.queue().heartbeat(c.taskId(), c.leaseToken(), Duration.ofMinutes(5), 10.0))
                    .isTrue();
        }
    }

    @Test
    void open_anExistingDatabase_keepsItsDataAndMigratesNothingTwice() {
        String url = server.newDatabaseUrl();
        try (Store store = PostgresStores.open(url)) {
            store.jobs().create(aJob("job_1", 1));
        }
        try (Store store = PostgresStores.open(url)) {
            assertThat(store.jobs().find("job_1")).get().extracting(Job::state).isEqualTo(JobState.QUEUED);
        }
    }

    @Test
    void open_aVersion5Store_migratesItsQueuedWorkSoItRunsOn() throws Exception {
        String url = server.newDatabaseUrl();
        PostgresUrl pg = PostgresUrl.parse(url);
        Flyway.configure()
                .dataSource(pg.jdbcUrl(), pg.user(), pg.password())
                .locations(new PostgresDialect().migrationLocations().toArray(String[]::new))
                .placeholders(new PostgresDialect().migrationPlaceholders())
                .target("5")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement()) {
            // rows as the version 5 store wrote them, with its constraints still in place
            st.execute("INSERT INTO jobs (id, state, priority, input, metadata, idempotency_key, max_attempts, "
                    + "created_at, updated_at) VALUES ('job_old', 'queued', 'normal', 'file:///in/a.mov', '{}', 'k1', "
                    + "3, 1, 1)");
            st.execute("INSERT INTO tasks (id, job_id, idx, name, preset, profile, state, priority, max_attempts, "
                    + "run_after, created_at, updated_at) VALUES ('tsk_old_0', 'job_old', 0, 'web', 'mp4-h264', '{}', "
                    + "'queued', 0, 3, 0, 1, 1)");
            st.execute("INSERT INTO job_events (job_id, created_at, type, message) "
                    + "VALUES ('job_old', 1, 'job.created', '1 output(s)')");
            st.execute("INSERT INTO profiles (name, preset, fields, created_at, updated_at) "
                    + "VALUES ('small', 'mp4-h264', '{\"width\": 640}', 1, 1)");
        }

        try (Store store = PostgresStores.open(url)) {
            assertThat(store.profiles().find("default", "small"))
                    .as("profiles made before tenants are the default tenant's")
                    .get()
                    .extracting(p -> p.preset())
                    .isEqualTo("mp4-h264");
            ClaimedTask c = store.queue().claim("w1", 1, Duration.ofMinutes(5)).get(0);
            assertThat(c.taskId()).isEqualTo("tsk_old_0");
            assertThat(store.queue().heartbeat(c.taskId(), c.leaseToken(), Duration.ofMinutes(5), 50.0))
                    .isTrue();
            assertThat(store.queue().complete(c.taskId(), c.leaseToken(), List.of(), 1.0))
                    .isTrue();

            assertThat(store.jobs().find("job_old"))
                    .get()
                    .extracting(Job::state)
                    .isEqualTo(JobState.SUCCEEDED);
            assertThat(store.jobs().events("job_old"))
                    .extracting(e -> e.type())
                    .containsExactly("job.created", "task.started", "task.succeeded", "job.succeeded");
            NewJob again = new NewJob(
                    "job_new",
                    "file:///in/a.mov",
                    aJob("job_new", 1).outputs(),
                    Priority.NORMAL,
                    Map.of(),
                    null,
                    "k1",
                    3,
                    null);
            assertThat(store.jobs().create(again).job().id())
                    .as("the idempotency key still holds")
                    .isEqualTo("job_old");
        }
    }

    @Test
    void open_leavesNoQueueColumnAtTheDefaultStatisticsTarget() throws Exception {
        // why: autovacuum re-analyzes these tables all the time (migration V7); a column added without a target of its
        // own would bring back the 30,000-row samples
        String url = server.newDatabaseUrl();
        PostgresStores.open(url).close();
        PostgresUrl pg = PostgresUrl.parse(url);
        List<String> defaulted = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT attrelid::regclass || '.' || attname, attstattarget "
                        + "FROM pg_attribute WHERE attrelid IN ('jobs'::regclass, 'tasks'::regclass, "
                        + "'job_events'::regclass) AND attnum > 0 AND NOT attisdropped")) {
            while (rs.next()) {
                if (rs.getObject(2) == null || rs.getInt(2) < 0 || rs.getInt(2) > 10) {
                    defaulted.add(rs.getString(1));
                }
            }
        }
        assertThat(defaulted).isEmpty();
    }

    @Test
    void open_unreachableServer_failsWithoutRevealingThePassword() {
        assertThatThrownBy(() -> PostgresStores.open(
                        new PostgresUrl("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", "nommer", "hunter2"),
                        1,
                        null))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    @Timeout(60)
    void claim_inBatchesFromSeveralStoresAtOnce_neverHandsOutATaskTwiceAndFinishesEveryJob() throws Exception {
        String url = server.newDatabaseUrl();
        int jobs = 30;
        int outputsPerJob = 8;
        List<Store> stores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 4; i++) {
                stores.add(PostgresStores.open(PostgresUrl.parse(url), 3, null));
            }
            for (int j = 0; j < jobs; j++) {
                stores.get(0).jobs().create(aJob(String.format("job_%03d", j), outputsPerJob));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                Store store = stores.get(w % stores.size());
                String worker = "w" + w;
                workers.add(pool.submit((Callable<List<String>>) () -> {
                    go.await();
                    List<String> mine = new ArrayList<>();
                    while (true) {
                        List<ClaimedTask> batch = store.queue().claim(worker, 4, Duration.ofMinutes(5));
                        if (batch.isEmpty()) {
                            return mine;
                        }
                        for (ClaimedTask t : batch) {
                            mine.add(t.taskId());
                            assertThat(store.queue().complete(t.taskId(), t.leaseToken(), List.of(), 0.1))
                                    .isTrue();
                        }
                    }
                }));
            }
            go.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : workers) {
                all.addAll(f.get());
            }

            assertThat(all).hasSize(jobs * outputsPerJob).doesNotHaveDuplicates();
            assertThat(workers.stream().filter(f -> !f.resultNow().isEmpty()).count())
                    .as("claims really ran concurrently")
                    .isGreaterThan(1);
            for (int j = 0; j < jobs; j++) {
                assertThat(stores.get(1).jobs().find(String.format("job_%03d", j)))
                        .get()
                        .extracting(Job::state)
                        .isEqualTo(JobState.SUCCEEDED);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(Store::close);
        }
    }
}
