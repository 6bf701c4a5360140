package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import io.nommer.storage.s3.S3TestServer;
import io.nommer.store.postgres.EmbeddedPostgresServer;
import io.nommer.store.postgres.PostgresUrl;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes with real processes: workers are separate JVMs ({@code nommer worker}) sharing only PostgreSQL and an S3
 * bucket with the orchestrator; one is killed with SIGKILL in the middle of an encode.
 */
class WorkerCrashTest {
    @TempDir
    static Path tmp;

    static EmbeddedPostgresServer postgres;
    static S3TestServer s3;
    static String store;
    /** The folder {@code file:} destinations may name ({@code output_roots}). */
    static Path outputRoot;

    static NommerServer orchestrator;
    static NommerClient client;
    final List<Process> workers = new ArrayList<>();

    static Map<String, String> shared() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("store", store);
        m.putAll(s3.nommerSettings("crash"));
        m.put("lease_seconds", "3");
        m.put("output_roots", outputRoot.toString());
        return m;
    }

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        postgres = EmbeddedPostgresServer.shared();
        s3 = S3TestServer.get();
        store = postgres.newDatabaseUrl();
        outputRoot = Files.createDirectories(tmp.resolve("destinations"));
        Map<String, String> m = shared();
        m.put("port", "0");
        m.put("data", tmp.resolve("orchestrator").toString());
        m.put("workers", "0");
        // every orchestrator relays webhooks, and the test's receiver is on loopback
        m.put("allow_private_networks", "true");
        orchestrator = NommerServer.start(ConfigLoader.load(m, Map.of()));
        client = new NommerClient(URI.create(orchestrator.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @AfterEach
    void killWorkers() {
        workers.forEach(Process::destroyForcibly);
    }

    /** {@code nommer <args>} in its own JVM with the shared settings, logging to {@code <name>.log}. */
    private Process nommer(String name, String... args) throws Exception {
        Map<String, String> settings = shared();
        settings.put("data", tmp.resolve(name).toString());
        Process p = NommerJvm.start(tmp.resolve(name + ".log"), settings, args);
        workers.add(p);
        return p;
    }

    /** {@code nommer worker} in its own JVM, with its own data directory. */
    private Process startWorker(String name) throws Exception {
        return nommer(name, "worker", "--slots", "1");
    }

    private JsonNode await(String id, Predicate<JsonNode> done, Duration timeout) {
        return Await.until("job " + id, timeout, () -> client.job(id), done);
    }

    private static Optional<ProcessHandle> ffmpegOf(Process worker) {
        return worker.toHandle()
                .descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false))
                .findFirst();
    }

    @Test
    void killedWorker_anotherFinishesTheTask_exactlyOneOutputIsPublished() throws Exception {
        Path clip = TestMedia.videoWithAudio(8, 640, 360, 25);
        s3.put(S3TestServer.BUCKET, "sources/crash.mp4", Files.readAllBytes(clip));
        JsonNode job = client.mapper().readTree("""
                {"input": "s3://%s/sources/crash.mp4", "outputs": [{"preset": "mp4-h264", "name": "web",
                 "h264_preset": "veryslow", "upscale": true}]}""".formatted(S3TestServer.BUCKET));
        String id = client.submit(job).path("id").asText();

        Process first = startWorker("worker-a");
        await(id, j -> j.path("outputs").get(0).path("progress").asDouble() > 0, Duration.ofSeconds(60));
        ProcessHandle ffmpeg = ffmpegOf(first).orElseThrow(() -> new AssertionError("worker A runs no ffmpeg"));

        first.destroyForcibly(); // SIGKILL: no shutdown hook, no lease release
        first.waitFor();
        ffmpeg.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ffmpeg.isAlive()).as("the killed worker's ffmpeg").isFalse();

        startWorker("worker-b");
        JsonNode done =
                await(id, j -> j.path("state").asText().matches("succeeded|failed|cancelled"), Duration.ofSeconds(180));
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        JsonNode output = done.path("outputs").get(0);
        assertThat(output.path("attempt").asInt()).isEqualTo(2);
        assertThat(s3.list(URI.create("s3://" + S3TestServer.BUCKET + "/crash/outputs/" + id + "/web/")))
                .as("exactly one published object, no temporary leftovers")
                .containsExactly("web.mp4");

        List<String> types = new ArrayList<>();
        client.get("/v1/jobs/" + id + "/events")
                .path("events")
                .forEach(e -> types.add(e.path("type").asText()));
        assertThat(types)
                .containsSubsequence(
                        "task.started", "task.lease_expired", "task.started", "task.succeeded", "job.succeeded");
    }

    @Test
    void sigtermedWorker_pastItsGrace_stopsFfmpegAndReleasesTheLeaseWithoutSpendingAnAttempt() throws Exception {
        Path clip = TestMedia.videoWithAudio(8, 640, 360, 25);
        s3.put(S3TestServer.BUCKET, "sources/term.mp4", Files.readAllBytes(clip));
        // Far slower than the 3 s grace, so the lease is given back rather than finished.
        JsonNode job = client.mapper().readTree("""
                {"input": "s3://%s/sources/term.mp4", "outputs": [{"preset": "webm-vp9", "name": "slow",
                 "vp9_speed": 0, "upscale": true, "width": 1920, "height": 1080}]}""".formatted(S3TestServer.BUCKET));
        String id = client.submit(job).path("id").asText();
        try {
            sigtermPastTheGrace(id);
        } finally {
            client.post("/v1/jobs/" + id + "/cancel"); // the released task must not wait for the next test's worker
        }
    }

    private void sigtermPastTheGrace(String id) throws Exception {
        Process worker = nommer("worker-c", "worker", "--slots", "1", "--shutdown-grace-seconds", "3");
        await(id, j -> j.path("outputs").get(0).path("progress").asDouble() > 0, Duration.ofSeconds(60));
        ProcessHandle ffmpeg = ffmpegOf(worker).orElseThrow();
        long termed = System.nanoTime();
        worker.destroy(); // SIGTERM
        Thread.sleep(1000);
        assertThat(ffmpeg.isAlive()).as("the encode goes on during the grace").isTrue();

        assertThat(worker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                .as("worker exits after its grace")
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - termed))
                .as("the worker did not wait for the encode")
                .isLessThan(Duration.ofSeconds(20));
        ffmpeg.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ffmpeg.isAlive()).as("ffmpeg is not left running").isFalse();

        JsonNode after = client.job(id);
        JsonNode output = after.path("outputs").get(0);
        assertThat(output.path("state").asText()).as("ready to be leased again").isEqualTo("queued");
        assertThat(output.path("attempt").asInt())
                .as("a release is not a failed attempt")
                .isZero();
        List<String> types = new ArrayList<>();
        client.get("/v1/jobs/" + id + "/events")
                .path("events")
                .forEach(e -> types.add(e.path("type").asText()));
        assertThat(types).contains("task.released").doesNotContain("task.failed", "task.lease_expired");
    }

    @Test
    void sigtermedWorker_finishesTheEncodeItIsRunningWithinItsGrace_andTheJobSucceeds() throws Exception {
        Path clip = TestMedia.videoWithAudio(8, 640, 360, 25);
        s3.put(S3TestServer.BUCKET, "sources/finish.mp4", Files.readAllBytes(clip));
        // A few seconds of encoding: long enough to be under way at SIGTERM, far shorter than the grace.
        JsonNode job = client.mapper().readTree("""
                {"input": "s3://%s/sources/finish.mp4", "outputs": [{"preset": "mp4-h264", "name": "web",
                 "h264_preset": "slower"}]}""".formatted(S3TestServer.BUCKET));
        String id = client.submit(job).path("id").asText();

        Process worker = nommer("worker-g", "worker", "--slots", "1", "--shutdown-grace-seconds", "120");
        await(id, j -> j.path("outputs").get(0).path("progress").asDouble() > 0, Duration.ofSeconds(60));
        ProcessHandle ffmpeg = ffmpegOf(worker).orElseThrow(() -> new AssertionError("the worker runs no ffmpeg"));
        worker.destroy(); // SIGTERM

        assertThat(worker.waitFor(120, java.util.concurrent.TimeUnit.SECONDS))
                .as("worker exits once its encode is done")
                .isTrue();
        assertThat(ffmpeg.isAlive()).isFalse();
        JsonNode done = client.job(id);
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        assertThat(done.path("outputs").get(0).path("attempt").asInt())
                .as("finished by the attempt that was running at SIGTERM")
                .isEqualTo(1);
        List<String> types = new ArrayList<>();
        client.get("/v1/jobs/" + id + "/events")
                .path("events")
                .forEach(e -> types.add(e.path("type").asText()));
        assertThat(types).contains("task.succeeded").doesNotContain("task.released", "task.failed");
        assertThat(s3.list(URI.create("s3://" + S3TestServer.BUCKET + "/crash/outputs/" + id + "/web/")))
                .containsExactly("web.mp4");
    }

    /** {@code nommer serve} in its own JVM with no workers, on a free port; returns once it answers. */
    private Process startOrchestrator(String name, int port) throws Exception {
        // the webhook receiver is on loopback
        Process p =
                nommer(name, "serve", "--port", Integer.toString(port), "--workers", "0", "--allow-private-networks");
        NommerClient c = new NommerClient(URI.create("http://127.0.0.1:" + port));
        Await.until(
                "orchestrator " + name + " to answer (log: " + tmp.resolve(name + ".log") + ")",
                Duration.ofSeconds(60),
                () -> c.get("/healthz"),
                ok -> true);
        return p;
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void killedOrchestrator_losesNothing_anotherOneElsewhereShowsTheTruthAndSendsTheWebhook() throws Exception {
        List<String> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer hook =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            hooks.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try {
            Path clip = TestMedia.videoWithAudio(8, 640, 360, 25);
            s3.put(S3TestServer.BUCKET, "sources/orchestrator.mp4", Files.readAllBytes(clip));
            int firstPort = freePort();
            Process first = startOrchestrator("orchestrator-1", firstPort);
            NommerClient c1 = new NommerClient(URI.create("http://127.0.0.1:" + firstPort));
            JsonNode job = c1.mapper().readTree("""
                    {"input": "s3://%s/sources/orchestrator.mp4", "outputs": [{"preset": "mp4-h264", "name": "web",
                     "h264_preset": "slower"}], "notify_url": "http://127.0.0.1:%d/hook"}""".formatted(
                            S3TestServer.BUCKET, hook.getAddress().getPort()));
            String id = c1.submit(job).path("id").asText();
            startWorker("worker-d");
            Await.until(
                    "the encode to start",
                    Duration.ofSeconds(60),
                    () -> c1.job(id),
                    j -> j.path("outputs").get(0).path("progress").asDouble() > 0);

            first.destroyForcibly(); // kill -9 the orchestrator while the worker encodes
            first.waitFor();

            int secondPort = freePort();
            startOrchestrator("orchestrator-2", secondPort);
            NommerClient c2 = new NommerClient(URI.create("http://127.0.0.1:" + secondPort));
            client = c2;
            JsonNode done = await(
                    id, j -> j.path("state").asText().matches("succeeded|failed|cancelled"), Duration.ofSeconds(180));
            assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
            assertThat(done.path("outputs").get(0).path("attempt").asInt())
                    .as("no work redone")
                    .isEqualTo(1);

            Await.until("the webhook", Duration.ofSeconds(15), () -> !hooks.isEmpty());
            Thread.sleep(2000); // a duplicate delivery would arrive in this window
            assertThat(hooks).hasSize(1);
            assertThat(hooks.get(0)).contains("\"event\":\"job.succeeded\"", id);
        } finally {
            hook.stop(0);
            client = new NommerClient(URI.create(orchestrator.baseUrl()));
        }
    }

    private static void signal(Process p, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid()))
                        .start()
                        .waitFor())
                .isZero();
    }

    @Test
    void pausedWorker_resumedAfterItsLeaseWasTakenOver_cannotOverwriteTheNewerResult() throws Exception {
        Path clip = TestMedia.videoWithAudio(8, 640, 360, 25);
        s3.put(S3TestServer.BUCKET, "sources/pause.mp4", Files.readAllBytes(clip));
        JsonNode job = client.mapper().readTree("""
                {"input": "s3://%s/sources/pause.mp4", "outputs": [{"preset": "mp4-h264", "name": "web",
                 "h264_preset": "slower"}]}""".formatted(S3TestServer.BUCKET));
        String id = client.submit(job).path("id").asText();

        Process paused = startWorker("worker-e");
        await(id, j -> j.path("outputs").get(0).path("progress").asDouble() > 0, Duration.ofSeconds(60));
        signal(paused, "STOP"); // a long GC pause, a frozen VM: no heartbeats, the lease runs out

        startWorker("worker-f");
        JsonNode done =
                await(id, j -> j.path("state").asText().matches("succeeded|failed|cancelled"), Duration.ofSeconds(180));
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        assertThat(done.path("outputs").get(0).path("attempt").asInt()).isEqualTo(2);
        URI published = URI.create(
                done.path("outputs").get(0).path("files").get(0).path("uri").asText());
        byte[] newer = s3.read(published).orElseThrow();

        signal(paused, "CONT"); // the stale worker wakes up holding a lease that is no longer its own
        Await.until(
                "the stale worker's ffmpeg to stop",
                Duration.ofSeconds(20),
                () -> ffmpegOf(paused).isEmpty());
        Thread.sleep(3000); // time for a stale publish or completion, were either possible
        assertThat(ffmpegOf(paused)).as("the stale worker's encode is stopped").isEmpty();
        assertThat(s3.read(published))
                .as("the newer attempt's file is untouched")
                .hasValue(newer);
        assertThat(s3.list(URI.create("s3://" + S3TestServer.BUCKET + "/crash/outputs/" + id + "/web/")))
                .containsExactly("web.mp4");
        JsonNode after = client.job(id);
        assertThat(after.path("state").asText()).isEqualTo("succeeded");
        assertThat(after.path("outputs").get(0).path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void workerKilledBetweenPublishingAndCommitting_theRetryReplacesItsFiles_andNoSecondCopyIsLeft() throws Exception {
        Path clip = TestMedia.videoWithAudio(8, 640, 360, 25);
        s3.put(S3TestServer.BUCKET, "sources/publish.mp4", Files.readAllBytes(clip));
        Path destination = Files.createDirectories(outputRoot.resolve("publish-crash"));
        // Many files per output (segments, playlists): one output in the service's S3 storage, one on a file: folder.
        JsonNode job = client.mapper().readTree("""
                {"input": "s3://%s/sources/publish.mp4", "outputs": [
                 {"preset": "hls", "name": "bucket", "segment_time": 2},
                 {"preset": "hls", "name": "disk", "segment_time": 2, "destination": "%s"}]}""".formatted(S3TestServer.BUCKET, destination.toUri()));
        String id = client.submit(job).path("id").asText();
        URI jobFolder = URI.create("s3://" + S3TestServer.BUCKET + "/crash/outputs/" + id + "/");

        List<String> publishedToS3;
        List<String> publishedToDisk;
        PostgresUrl url = PostgresUrl.parse(store);
        try (Connection lock = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
                Connection watch = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
            Process first = nommer("worker-h", "worker", "--slots", "2");
            Await.until(
                    "worker H to probe the input for both tasks",
                    Duration.ofSeconds(60),
                    () -> probedTasks(watch, id),
                    n -> n == 2);
            // why: FOR SHARE on the job's row blocks what a completion takes on it (FOR NO KEY UPDATE, in
            // JobFinisher.lockJobs, after writing its task's row) and any other update of the row; by now the input's
            // probe has written its (a claim writes none). What an attempt writes until it completes (heartbeats,
            // events) passes, so the worker publishes everything and then waits inside its uncommitted completion.
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM jobs WHERE id = ? FOR SHARE")) {
                ps.setString(1, id);
                ps.executeQuery().close();
            }
            assertThat(taskStates(watch, id))
                    .as("the test's lock came before either completion (the encodes take seconds)")
                    .containsOnly(Map.entry("bucket", "running"), Map.entry("disk", "running"));
            int holder = backendPid(lock);
            List<Integer> completing = Await.until(
                    "both completions to wait on the test's lock",
                    Duration.ofSeconds(60),
                    () -> waitingForJobRow(watch, holder),
                    pids -> pids.size() == 2);
            // A completion is reached only once every file of its output is published.
            publishedToS3 = s3.list(jobFolder);
            publishedToDisk = filesUnder(outputRoot);
            assertThat(publishedToS3).as("published by the first attempt").isNotEmpty();
            assertThat(publishedToDisk).as("published by the first attempt").isNotEmpty();

            first.destroyForcibly(); // SIGKILL while both completions wait
            first.waitFor();
            lock.rollback(); // the completions go on, find their client gone, and roll back
            lock.setAutoCommit(true);
            Await.until(
                    "the killed worker's completions to end",
                    Duration.ofSeconds(20),
                    () -> alive(watch, completing),
                    List::isEmpty);
            assertThat(taskStates(watch, id))
                    .as("neither completion committed")
                    .containsOnly(Map.entry("bucket", "running"), Map.entry("disk", "running"));
        }

        startWorker("worker-i");
        JsonNode done =
                await(id, j -> j.path("state").asText().matches("succeeded|failed|cancelled"), Duration.ofSeconds(90));
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        done.path("outputs").forEach(o -> outputs.put(o.path("name").asText(), o));
        assertThat(outputs.values())
                .allSatisfy(o -> assertThat(o.path("attempt").asInt()).isEqualTo(2));

        // S3: under the job's folder, exactly the files the job lists, each as large as the job says; nothing else.
        List<String> listedInS3 = new ArrayList<>();
        for (JsonNode f : outputs.get("bucket").path("files")) {
            String name = "bucket/" + f.path("name").asText();
            listedInS3.add(name);
            assertThat(f.path("uri").asText()).isEqualTo(jobFolder + name);
            assertThat(s3.read(URI.create(jobFolder + name)))
                    .as(name)
                    .hasValueSatisfying(bytes -> assertThat((long) bytes.length)
                            .isEqualTo(f.path("size").asLong()));
        }
        assertThat(s3.list(jobFolder))
                .as("one copy of each listed file in S3")
                .containsExactlyInAnyOrderElementsOf(listedInS3)
                .containsAll(publishedToS3);
        // the check below can fail: this S3 server reports an open multipart upload
        String open = s3.beginMultipartUpload(S3TestServer.BUCKET, "crash-probe/open");
        assertThat(s3.multipartUploads(URI.create("s3://" + S3TestServer.BUCKET + "/crash-probe/")))
                .containsExactly("crash-probe/open");
        s3.abortMultipartUpload(S3TestServer.BUCKET, "crash-probe/open", open);
        assertThat(s3.multipartUploads(jobFolder)).as("open multipart uploads").isEmpty();

        // The destination: exactly the listed files, no temporary (hidden) or partial ones beside them.
        List<String> listedOnDisk = new ArrayList<>();
        for (JsonNode f : outputs.get("disk").path("files")) {
            String name = f.path("name").asText();
            listedOnDisk.add("publish-crash/" + name);
            assertThat(URI.create(f.path("uri").asText()))
                    .isEqualTo(destination.resolve(name).toUri());
            assertThat(Files.size(destination.resolve(name)))
                    .as(name)
                    .isEqualTo(f.path("size").asLong());
        }
        assertThat(filesUnder(outputRoot))
                .as("one copy of each listed file on disk")
                .containsExactlyInAnyOrderElementsOf(listedOnDisk)
                .containsAll(publishedToDisk);

        List<String> types = new ArrayList<>();
        client.get("/v1/jobs/" + id + "/events")
                .path("events")
                .forEach(e -> types.add(e.path("type").asText()));
        assertThat(types.stream().filter("task.lease_expired"::equals)).hasSize(2);
        assertThat(types.stream().filter("task.succeeded"::equals)).hasSize(2);
    }

    /** Each task of the job, by output name, with its state as committed. */
    private static Map<String, String> taskStates(Connection c, String jobId) throws SQLException {
        Map<String, String> states = new LinkedHashMap<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT name, state FROM tasks WHERE job_id = ? ORDER BY name")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return states;
    }

    /** How many of the job's tasks have probed its input (the step before encoding). */
    private static int probedTasks(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(DISTINCT task_id) FROM job_events WHERE job_id = ? AND type = 'task.probed'")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The server processes waiting to lock a row of the jobs table that {@code holder}'s transaction has locked: the
     * first waits on {@code holder} itself, the others queue behind it for the row's tuple lock (so their blocker is
     * the first). A heartbeat waiting for a task row that a waiting completion wrote is not one of them.
     */
    private static List<Integer> waitingForJobRow(Connection c, int holder) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT pid FROM pg_locks WHERE NOT granted AND"
                + " (? = ANY(pg_blocking_pids(pid)) OR (locktype = 'tuple' AND relation = 'jobs'::regclass))")) {
            ps.setInt(1, holder);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }

    /** Which of the server processes {@code pids} still run. */
    private static List<Integer> alive(Connection c, List<Integer> pids) throws SQLException {
        List<Integer> alive = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE pid = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alive.add(rs.getInt(1));
                }
            }
        }
        return alive;
    }

    /** Every file under {@code root}, hidden ones included, as paths relative to it. */
    private static List<String> filesUnder(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !Files.isDirectory(p))
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
