package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.cli.CliRunner.Run;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code nommer} command against a real server with real ffmpeg, as a user types it. */
class MainTest {
    @TempDir
    static Path tmp;

    static NommerServer server;

    @BeforeAll
    static void start() {
        TestMedia.requireFfmpeg();
        server = NommerServer.start(ConfigLoader.load(
                Map.of("port", "0", "data", tmp.resolve("data").toString(), "workers", "1"), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Run run(String... args) {
        return run(Terminal.PLAIN, args);
    }

    private static Run run(Terminal terminal, String... args) {
        return run(Map.of(), terminal, args);
    }

    private static Run run(Map<String, String> env, Terminal terminal, String... args) {
        return CliRunner.run(env, terminal, args);
    }

    private static String jobId(String out) {
        return out.replaceAll("(?s).*submitted job (job_[0-9a-z]+).*", "$1");
    }

    @Test
    void submitWait_uploadsEncodesAndPrintsTheOutputs() throws Exception {
        Path clip = TestMedia.videoWithAudio();

        Run r = run("submit", clip.toString(), "--preset", "mp3", "--wait", "--server", server.baseUrl());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "uploading",
                        "submitted job job_",
                        "owner token (shown once",
                        "mp3: succeeded",
                        "succeeded 100.0%, took",
                        "  mp3: mp3.mp3, ",
                        "/files/mp3.mp3");
        assertThat(r.out()).as("no terminal: no cursor movement").doesNotContain("\033[");

        String id = jobId(r.out());
        Run s = run("status", id, "--server", server.baseUrl());
        assertThat(s.code()).isZero();
        assertThat(s.out()).contains("job " + id + ": succeeded", "  mp3: mp3.mp3, ", "/files/mp3.mp3");
        assertThat(run("status", id, "--files", "--server", server.baseUrl()).out())
                .containsPattern("audio +[0-9.]+ kB  http://.*/files/mp3.mp3");
        Run json = run("status", id, "--json", "--server", server.baseUrl());
        assertThat(new NommerClient(URI.create(server.baseUrl()))
                        .mapper()
                        .readTree(json.out())
                        .path("state")
                        .asText())
                .isEqualTo("succeeded");

        Run watched = run("watch", id, "--server", server.baseUrl());
        assertThat(watched.code()).isZero();
        assertThat(watched.out()).contains("job " + id + ": succeeded 100.0%", "/files/mp3.mp3");
    }

    @Test
    void submitWait_onATerminal_redrawsABarPerOutputInPlace() {
        Path clip = TestMedia.videoWithAudio();

        Run r = run(
                new Terminal(true, 100),
                "submit",
                clip.toString(),
                "--preset",
                "mp3",
                "--preset",
                "thumbnails",
                "--wait",
                "--server",
                server.baseUrl());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("\r\033[2Kuploading " + clip.getFileName() + " [####################] 100.0% of ")
                .contains("\033[3F\033[2Kjob job_", "] 100.0%", "\033[J")
                .containsPattern("\033\\[2K  mp3 +(queued|running|succeeded) +\\[")
                .containsPattern("thumbnails +succeeded +\\[#+\\] 100.0%")
                .contains("  thumbnails: thumbnails_01.jpg + ");
    }

    @Test
    void submitWaitJson_printsTheJobAtEveryChange_oneDocumentALine() throws Exception {
        Path clip = TestMedia.videoWithAudio();

        Run r = run("submit", clip.toString(), "--preset", "mp3", "--wait", "--json", "--server", server.baseUrl());

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSizeGreaterThan(1);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.readTree(lines.get(0)).has("owner_token")).isTrue();
        assertThat(json.readTree(lines.get(lines.size() - 1)).path("state").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void submitSet_overridesProfileFields_asNumbersBooleansOrStrings_andUploadsALocalWatermark() throws Exception {
        Path clip = TestMedia.videoWithAudio();
        Path logo = TestMedia.generate(
                "logo.png", List.of("-f", "lavfi", "-i", "color=c=red:s=64x32"), List.of("-frames:v", "1"));

        Run r = run(
                "submit",
                clip.toString(),
                "--preset",
                "pal-sd-h264",
                "--set",
                "display_aspect_ratio=16:9",
                "--set",
                "field_order=bff",
                "--set",
                "video_bitrate=1500",
                "--set",
                "watermark_url=" + logo,
                "--set",
                "watermark_opacity=0.5",
                "--wait",
                "--server",
                server.baseUrl());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("uploading " + logo);
        String id = r.out().replaceAll("(?s).*submitted job (job_[0-9a-z]+).*", "$1");
        JsonNode output = new NommerClient(URI.create(server.baseUrl()))
                .job(id)
                .path("outputs")
                .get(0);
        String url = output.path("files").get(0).path("url").asText();
        String probed = StreamingFiles.run(List.of(
                        TestMedia.requireFfmpeg().ffprobe().toString(),
                        "-v",
                        "error",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=sample_aspect_ratio,display_aspect_ratio,field_order",
                        "-of",
                        "csv=p=0",
                        url))
                .output();
        assertThat(output.path("profile").path("watermark_url").asText()).startsWith("upload:upl_");
        // MPEG-TS lists the stream under its program as well
        assertThat(probed.lines().findFirst()).hasValue("64:45,16:9,bb");

        Run bad = run("submit", clip.toString(), "--preset", "mp4-h264", "--set", "fps", "--server", server.baseUrl());
        assertThat(bad.out()).as("nothing uploaded").isEmpty();
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--set needs FIELD=VALUE");
        Run refused = run(
                "submit",
                clip.toString(),
                "--preset",
                "mp4-h264",
                "--set",
                "interlaced=yes",
                "--server",
                server.baseUrl());
        assertThat(refused.code()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("interlaced");
    }

    @Test
    void keys_madeOnTheStore_openAServerThatRequiresThem_untilRevoked() {
        Path data = tmp.resolve("keyed");
        Run created = run(
                "keys",
                "create",
                "--tenant",
                "ops",
                "--admin",
                "--description",
                "bootstrap",
                "--data",
                data.toString());
        assertThat(created.code()).as(created.err()).isZero();
        String key = created.out()
                .lines()
                .filter(l -> l.startsWith("nk_"))
                .findFirst()
                .orElseThrow();
        String id = key.substring(3, 23);
        assertThat(run("keys", "list", "--data", data.toString()).out()).contains(id, "admin", "ops", "never used");

        NommerServer keyed = NommerServer.start(ConfigLoader.load(
                Map.of("port", "0", "data", data.toString(), "workers", "0", "auth", "keys"), Map.of()));
        try {
            Run without = run("status", "job_nope", "--server", keyed.baseUrl());
            assertThat(without.code()).isEqualTo(ExitCode.REFUSED);
            assertThat(without.err()).contains("send an API key: --api-key KEY or NOMMER_API_KEY");

            String tenantKey = run("keys", "create", "--tenant", "acme", "--data", data.toString())
                    .out()
                    .lines()
                    .filter(l -> l.startsWith("nk_"))
                    .findFirst()
                    .orElseThrow();
            Run tenantSubmit = run(
                    Map.of("NOMMER_API_KEY", tenantKey),
                    Terminal.PLAIN,
                    "submit",
                    TestMedia.videoWithAudio().toString(),
                    "--preset",
                    "mp3",
                    "--cloud",
                    "default",
                    "--server",
                    keyed.baseUrl());
            assertThat(tenantSubmit.code())
                    .as("a tenant's key may not read clouds: the server judges the cloud itself")
                    .isZero();
            assertThat(tenantSubmit.out()).contains("submitted job");
            Run tenantWorkers = run("workers", "--server", keyed.baseUrl(), "--api-key", tenantKey);
            assertThat(tenantWorkers.code()).isEqualTo(ExitCode.REFUSED);
            assertThat(tenantWorkers.err()).contains("forbidden", "this needs an admin key");
            assertThat(without.err()).contains("unauthorized");
            Run with = run("status", "job_nope", "--server", keyed.baseUrl(), "--api-key", key);
            assertThat(with.err())
                    .as("past authentication, the job is simply not there")
                    .contains("not_found");

            assertThat(run("keys", "revoke", id, "--data", data.toString()).out())
                    .contains("revoked key " + id);
            assertThat(run("status", "job_nope", "--server", keyed.baseUrl(), "--api-key", key)
                            .err())
                    .contains("unauthorized");
        } finally {
            keyed.close();
        }
        assertThat(run("keys", "create", "--data", data.toString()).err()).contains("'--tenant=NAME'");
        assertThat(run("keys", "frobnicate", "--data", data.toString()).err())
                .contains("unknown command 'frobnicate' (commands: create, list, revoke)");
        assertThat(run("keys").err()).contains("create, list or revoke");
    }

    @Test
    void badUsage_explainsItself() {
        assertThat(run("submit", "--preset", "mp3").err()).contains("Missing required parameter: 'FILE|URL'");
        assertThat(run("submit", "/no/such/file.mp4", "--preset", "mp3").err()).contains("no such file");
        Run unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'frobnicate'");
        Run refused =
                run("submit", "upload:upl_00000000000000000000000000", "--preset", "mp3", "--server", server.baseUrl());
        assertThat(refused.code()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("invalid_input");
        Run missing = run("status", "job_nope", "--server", server.baseUrl());
        assertThat(missing.code()).isEqualTo(ExitCode.REFUSED);
        assertThat(missing.err()).contains("not_found");
    }

    @Test
    void mistakes_areUsageErrors_thatNameTheOption() {
        Run frobnicate = run("submit", "clip.mp4", "--preset", "mp3", "--frobnicate", "yes");
        assertThat(frobnicate.code()).isEqualTo(ExitCode.USAGE);
        assertThat(frobnicate.err()).contains("unknown option '--frobnicate'", "See 'nommer submit --help'.");

        Run noValue = run("submit", "clip.mp4", "--preset");
        assertThat(noValue.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noValue.err()).contains("'--preset'");
        Run swallowed = run("submit", "clip.mp4", "--preset", "--wait");
        assertThat(swallowed.code()).isEqualTo(ExitCode.USAGE);
        assertThat(swallowed.err()).contains("Expected parameter for option '--preset' but found '--wait'");

        assertThat(run("submit", "clip.mp4", "--preset", "mp3", "--priority", "urgent")
                        .err())
                .contains("'--priority'", "expected one of high, normal, low, not 'urgent'");
        assertThat(run("serve", "--frobnicate", "1").err()).contains("unknown option '--frobnicate'");
        Run badPort =
                run("serve", "--port", "eighty", "--data", tmp.resolve("never").toString());
        assertThat(badPort.code()).isEqualTo(ExitCode.USAGE);
        assertThat(badPort.err()).contains("port must be a whole number, not 'eighty' (flag --port)");
        assertThat(run("status", "job_x", "--server", "ftp://example.com").err())
                .contains("--server 'ftp://example.com' must be an http:// or https:// URL");
        assertThat(run("jobs", "--state", "done").err()).contains("'--state'", "not 'done'");
        assertThat(run("stauts", "job_x").err()).contains("Did you mean: nommer status");
    }

    @Test
    void help_everyCommandListsItsOptions_defaultsAndEnvironment() {
        Run root = run("--help");
        assertThat(root.code()).isZero();
        assertThat(root.out()).contains("Commands:", "Exit codes:", "NOMMER_SERVER", "NOMMER_API_KEY", "completion");
        assertThat(run().code()).as("no command").isEqualTo(ExitCode.USAGE);

        for (String command : new Main(new Context(System.out, System.err, Map.of(), Terminal.PLAIN))
                .commandLine()
                .getSubcommands()
                .keySet()) {
            Run help = run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: nommer " + command);
        }
        assertThat(run("submit", "--help").out())
                .contains(
                        "--preset=NAME",
                        "--set=FIELD=VALUE",
                        "--wait",
                        "--json",
                        "NOMMER_SERVER",
                        "NOMMER_API_KEY",
                        "Exit codes:",
                        "3     the server cannot be reached");
        assertThat(run("serve", "--help").out())
                .contains("--port=PORT", "(default 8080)", "NOMMER_PORT]", "--allow-private-networks")
                .doesNotContain("--exit-when-idle", "--slots");
        assertThat(run("worker", "--help").out())
                .contains("--slots=N", "--exit-when-idle")
                .doesNotContain("--port");
        assertThat(run("keys", "create", "--help").out()).contains("--tenant=NAME", "--admin", "--expires");
        assertThat(run("help", "submit").out()).contains("Usage: nommer submit");
        assertThat(run("--version").out()).startsWith("nommer 0.");
    }

    @Test
    void completion_isABashScriptForEveryCommandAndOption() {
        Run r = run("completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F", "nommer", "submit", "--preset", "--wait", "watch");
    }

    @Test
    void server_isReachedByHostAndPort_andAnAddressWhereNothingAnswersIsItsOwnExitCode() {
        Run byHostPort = run("presets", "--server", "127.0.0.1:" + server.port());
        assertThat(byHostPort.code()).as(byHostPort.err()).isZero();
        assertThat(byHostPort.out()).contains("mp4-h264", "libx264 1280x720");

        Run fromEnv = run(Map.of("NOMMER_SERVER", "127.0.0.1:" + server.port()), Terminal.PLAIN, "presets");
        assertThat(fromEnv.code()).as(fromEnv.err()).isZero();

        Run nobody = run("status", "job_x", "--server", "127.0.0.1:1");
        assertThat(nobody.code()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(nobody.err()).contains("cannot reach the nommer server at http://127.0.0.1:1");
    }

    @Test
    void submit_checksPresetsAndCloudWithTheServer_beforeUploadingAnything() throws Exception {
        Path clip = TestMedia.videoWithAudio();
        Path uploads = tmp.resolve("data").resolve("uploads");
        long before = count(uploads);

        Run preset =
                run("submit", clip.toString(), "--preset", "mp3", "--preset", "nope", "--server", server.baseUrl());
        assertThat(preset.code()).isEqualTo(ExitCode.USAGE);
        assertThat(preset.err()).contains("unknown preset nope (presets: flv-320x240, ");
        Run cloud = run("submit", clip.toString(), "--preset", "mp3", "--cloud", "gpu", "--server", server.baseUrl());
        assertThat(cloud.code()).isEqualTo(ExitCode.USAGE);
        assertThat(cloud.err()).contains("unknown cloud gpu");
        Run dir = run("submit", tmp.toString(), "--preset", "mp3", "--server", server.baseUrl());
        assertThat(dir.code()).isEqualTo(ExitCode.USAGE);
        assertThat(dir.err()).contains("is a directory; submit takes one file or URL");

        assertThat(preset.out() + cloud.out() + dir.out()).doesNotContain("uploading");
        assertThat(count(uploads)).isEqualTo(before);
    }

    private static long count(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.count();
        }
    }

    /** A client of {@code baseUrl}'s server, which has a cloud no worker serves: a job there stays queued. */
    private static NommerClient withIdleCloud(String baseUrl) throws Exception {
        NommerClient client = new NommerClient(URI.create(baseUrl));
        client.put("/v1/clouds/idle", client.mapper().readTree("{}"));
        return client;
    }

    /** {@code nommer submit} of a job to the idle cloud, plus {@code more} arguments; its command line. */
    private static String[] submitToIdleCloud(String server, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "submit",
                TestMedia.videoWithAudio().toString(),
                "--preset",
                "mp3",
                "--cloud",
                "idle",
                "--server",
                server));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void jobsCancelRetryWatch_onAJobThatNoWorkerTakes() throws Exception {
        NommerClient client = withIdleCloud(server.baseUrl());
        String id = jobId(run(submitToIdleCloud(server.baseUrl())).out());

        assertThat(run("jobs", "--state", "queued", "--created-after", "1h", "--server", server.baseUrl())
                        .out())
                .containsPattern(id + " +queued +0.0% .* mp3");
        assertThat(run("jobs", "--state", "succeeded", "--limit", "1", "--server", server.baseUrl())
                        .out())
                .doesNotContain(id);
        assertThat(run("cancel", id, "--server", server.baseUrl()).out()).contains("job " + id + ": cancelled");
        Run again = run("cancel", id, "--server", server.baseUrl());
        assertThat(again.code()).isEqualTo(ExitCode.REFUSED);
        assertThat(again.err()).contains("job_finished");

        Run watched = run("watch", id, "--server", server.baseUrl());
        assertThat(watched.code()).as("a cancelled job").isEqualTo(ExitCode.JOB_FAILED);
        assertThat(watched.out()).contains("job " + id + ": cancelled");

        assertThat(run("retry", id, "--server", server.baseUrl()).out()).contains("job " + id + ": queued");
        assertThat(client.job(id).path("state").asText()).isEqualTo("queued");
        client.cancel(id);

        assertThat(run("clouds", "--server", server.baseUrl()).out())
                .containsPattern("default +0 +1 +[01]/1")
                .containsPattern("idle +0 +0 +0/0");
        assertThat(run("workers", "--server", server.baseUrl()).out()).containsPattern("default +[01]/1 +ffmpeg");
    }

    @Test
    void watch_ridesOutAnOrchestratorRestart() throws Exception {
        Path data = tmp.resolve("restarted");
        Map<String, String> settings = Map.of("port", "0", "data", data.toString(), "workers", "0");
        NommerServer first = NommerServer.start(ConfigLoader.load(settings, Map.of()));
        int port = first.port();
        withIdleCloud(first.baseUrl());
        String id = jobId(run(submitToIdleCloud(first.baseUrl())).out());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main watch = new Main(new Context(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(),
                Terminal.PLAIN));
        java.util.concurrent.CompletableFuture<Integer> watching = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> watch.run("watch", id, "--server", "127.0.0.1:" + port));
        NommerServer second = null;
        boolean firstClosed = false;
        try {
            Await.until(
                    "the watch to start",
                    Duration.ofSeconds(30),
                    () -> out.toString(StandardCharsets.UTF_8).contains("waiting for a worker"));
            first.close();
            firstClosed = true;
            Await.until(
                    "the watch to notice",
                    Duration.ofSeconds(30),
                    () -> err.toString(StandardCharsets.UTF_8).contains("asking again for the next 5 minutes"));

            second = NommerServer.start(ConfigLoader.load(
                    Map.of("port", Integer.toString(port), "data", data.toString(), "workers", "0"), Map.of()));
            Await.until(
                    "the watch to reconnect",
                    Duration.ofSeconds(30),
                    () -> err.toString(StandardCharsets.UTF_8).contains("the server answers again"));
            new NommerClient(URI.create(second.baseUrl())).cancel(id);

            assertThat(watching.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCode.JOB_FAILED);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("job " + id + ": cancelled");
        } finally {
            if (!firstClosed) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void interruptedWhileWaiting_saysTheJobKeepsRunning_andHowToFollowIt() throws Exception {
        NommerClient client = withIdleCloud(server.baseUrl());
        Path log = tmp.resolve("interrupted.log");
        Process waiting = NommerJvm.start(log, Map.of(), submitToIdleCloud("127.0.0.1:" + server.port(), "--wait"));
        try {
            String id = jobId(Await.until(
                    "the job to be submitted",
                    Duration.ofSeconds(60),
                    () -> java.nio.file.Files.readString(log),
                    text -> text.contains("waiting for a worker")));

            waiting.destroy(); // SIGTERM; Ctrl-C's SIGINT runs the same shutdown hooks
            assertThat(waiting.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(java.nio.file.Files.readString(log))
                    .contains(
                            "stopped following; job " + id + " keeps running on the server",
                            "follow it: nommer watch " + id + " --server 127.0.0.1:" + server.port(),
                            "cancel it: nommer cancel " + id);
            assertThat(client.job(id).path("state").asText()).isEqualTo("queued");
            client.cancel(id);
        } finally {
            waiting.destroyForcibly();
        }
    }
}
