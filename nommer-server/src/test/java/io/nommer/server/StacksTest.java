package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.stack.Stack;
import io.nommer.ffmpeg.FfmpegBinaries;
import io.nommer.ffmpeg.FfmpegStacks;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacks through the API, with real ffmpeg: a server with two configured stacks (the second the same binaries under
 * another path, through symbolic links, declared by their major and minor version), an output pinned to one runs on
 * it and records its tools, and an unknown stack is refused.
 */
class StacksTest {
    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient api;
    static Path media;
    static Path clip;
    static String version;
    static Path altFfmpeg;

    @BeforeAll
    static void start() throws Exception {
        FfmpegBinaries real = TestMedia.requireFfmpeg();
        version = FfmpegStacks.detect(null, real, null, "ffmpeg")
                .stack()
                .tools()
                .get(0)
                .version();
        Path alt = Files.createDirectories(tmp.resolve("alt/bin"));
        altFfmpeg = Files.createSymbolicLink(alt.resolve("ffmpeg"), real.ffmpeg());
        Files.createSymbolicLink(alt.resolve("ffprobe"), real.ffprobe());
        media = Files.createDirectories(tmp.resolve("media"));
        clip = Media.clip(media, "clip.mp4", "160x120", 1, true, true);
        server = NommerServer.start(ConfigLoader.load(
                Map.of(
                        "port", "0",
                        "data", tmp.resolve("data").toString(),
                        "workers", "1",
                        "input_roots", media.toString(),
                        "stacks", "main,alt",
                        "stacks.main.ffmpeg", real.ffmpeg().toString(),
                        "stacks.main.ffprobe", real.ffprobe().toString(),
                        "stacks.main.version", version,
                        "stacks.alt.ffmpeg", altFfmpeg.toString(),
                        "stacks.alt.version", majorMinor(version)),
                Map.of()));
        api = new ApiClient(server.baseUrl());
    }

    /** {@code 5.1} of {@code 5.1.9-0+deb12u1}. */
    private static String majorMinor(String v) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("n?(\\d+\\.\\d+).*").matcher(v);
        return m.matches() ? m.group(1) : v;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        assertThat(api.openapi.violations())
                .as("requests and responses that break the OpenAPI document")
                .isEmpty();
    }

    private static String submit(String outputFields) {
        Reply r = api.post(
                "/v1/jobs",
                "{\"input\": \"file://" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"width\": 160, "
                        + "\"height\": 120" + outputFields + "}]}");
        assertThat(r.status()).as("submit: %s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    private static JsonNode stack(JsonNode list, String name) {
        return StreamSupport.stream(list.path("stacks").spliterator(), false)
                .filter(s -> s.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void stacks_listsTheConfiguredStacksTheLiveWorkerHas_withTheirToolsAndVersions() {
        Reply list = api.get("/v1/stacks");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("default_stack").asText()).isEqualTo("main");
        JsonNode alt = stack(list.body(), "alt");
        assertThat(alt.path("workers").asInt()).isEqualTo(1);
        assertThat(alt.path("configured").asBoolean()).isTrue();
        assertThat(alt.path("by_default").asBoolean()).isFalse();
        assertThat(stack(list.body(), "main").path("by_default").asBoolean()).isTrue();
        JsonNode ffmpeg = alt.path("tools").get(0);
        assertThat(ffmpeg.path("name").asText()).isEqualTo("ffmpeg");
        assertThat(ffmpeg.path("version").asText()).isEqualTo(version);
        assertThat(ffmpeg.path("path").asText()).isEqualTo(altFfmpeg.toString());
        assertThat(alt.path("tools").get(2).path("name").asText()).isEqualTo("segmenter");
        assertThat(alt.path("tools").get(2).path("version").asText()).startsWith("nommer-");

        Reply one = api.get("/v1/stacks/alt");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("encoders").toString()).contains("libx264");
        assertThat(one.body().path("muxers").toString()).contains("mp4");
        Reply missing = api.get("/v1/stacks/ffmpeg-0.1");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("code").asText()).isEqualTo("not_found");
        JsonNode workers = api.get("/v1/workers").body().path("workers");
        assertThat(StreamSupport.stream(workers.spliterator(), false)
                        .filter(w -> w.path("id").asText().startsWith("serve-"))
                        .map(w -> w.path("stacks").toString()))
                .containsExactly("[\"main\",\"alt\"]");
    }

    @Test
    void anOutputPinnedToAStack_runsOnIt_andRecordsItsToolsExactVersions() {
        String pinned = submit(", \"stack\": \"alt\"");
        String unpinned = submit("");

        JsonNode job = api.awaitTerminal(pinned);
        assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");
        JsonNode out = job.path("outputs").get(0);
        assertThat(out.path("profile").path("stack").asText()).isEqualTo("alt");
        assertThat(out.path("tools").path("ffmpeg").asText()).isEqualTo(version);
        assertThat(out.path("tools").path("ffprobe").asText()).isNotBlank();
        assertThat(out.path("tools").path("manifester").asText()).startsWith("nommer-");
        assertThat(out.has("waiting_for_stack")).isFalse();
        JsonNode events = api.get("/v1/jobs/" + pinned + "/events").body().path("events");
        assertThat(StreamSupport.stream(events.spliterator(), false)
                        .filter(e -> e.path("type").asText().equals("task.stack"))
                        .map(e -> e.path("message").asText())
                        .toList())
                .containsExactly("runs on stack alt: ffmpeg " + version + ", ffprobe "
                        + out.path("tools").path("ffprobe").asText() + ", segmenter "
                        + out.path("tools").path("segmenter").asText() + ", manifester "
                        + out.path("tools").path("manifester").asText());

        JsonNode plain = api.awaitTerminal(unpinned);
        assertThat(plain.path("state").asText()).isEqualTo("succeeded");
        assertThat(plain.path("outputs").get(0).path("profile").path("stack").asText())
                .as("an output without a stack is pinned to the default")
                .isEqualTo("main");
    }

    @Test
    void aStoredProfilesStack_pinsItsOutputs_unlessTheOutputNamesAnother() {
        Reply stored = api.post("/v1/profiles", """
                {"name": "alt-tiny", "preset": "mp4-h264", "width": 160, "height": 120, "stack": "alt"}""");
        assertThat(stored.status()).as("%s", stored.body()).isEqualTo(201);

        Reply r = api.post(
                "/v1/jobs",
                "{\"input\": \"file://" + clip + "\", \"outputs\": [{\"preset\": \"alt-tiny\"}, "
                        + "{\"preset\": \"alt-tiny\", \"name\": \"on-main\", \"stack\": \"main\"}]}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);

        JsonNode job = api.awaitTerminal(r.body().path("id").asText());
        assertThat(job.path("state").asText()).isEqualTo("succeeded");
        assertThat(job.path("outputs").get(0).path("profile").path("stack").asText())
                .isEqualTo("alt");
        assertThat(job.path("outputs").get(1).path("profile").path("stack").asText())
                .isEqualTo("main");
    }

    @Test
    void anUnknownStack_isRefusedWithUnknownStack() {
        Reply r = api.post(
                "/v1/jobs",
                "{\"input\": \"file://" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}, "
                        + "{\"preset\": \"mp3\", \"stack\": \"ffmpeg-0.1\"}]}");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().path("code").asText()).isEqualTo("unknown_stack");
        assertThat(r.body().path("field").asText()).isEqualTo("outputs[1].stack");
        assertThat(r.body().path("detail").asText()).contains("ffmpeg-0.1", "GET /v1/stacks");
        Reply bad = api.post(
                "/v1/jobs",
                "{\"input\": \"file://" + clip + "\", \"outputs\": [{\"preset\": \"mp3\", \"stack\": \"No Such\"}]}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().path("code").asText()).isEqualTo("invalid_profile");
    }

    @Test
    void anOutputWhoseStackNoLiveWorkerOfItsCloudHas_staysQueuedAndSaysWhichStackItWaitsFor() {
        // a worker elsewhere reports a stack this server's worker lacks, serving another cloud only
        Stack ghost =
                new Stack("ghost-7.0", List.of(new Stack.Tool("ffmpeg", null, "7.0")), List.of(), List.of(), List.of());
        server.store()
                .fleet()
                .recordWorker(new WorkerStatus(
                        "elsewhere", List.of("gpu"), 1, 0, "other-host", "ffmpeg", null, null, List.of(ghost)));

        String id = submit(", \"stack\": \"ghost-7.0\"");

        JsonNode job = api.get("/v1/jobs/" + id).body();
        assertThat(job.path("outputs").get(0).path("waiting_for_stack").asText())
                .isEqualTo("ghost-7.0");
        // this server's worker, which lacks the stack, never takes it
        api.awaitTerminal(submit(""));
        job = api.get("/v1/jobs/" + id).body();
        assertThat(job.path("state").asText()).isEqualTo("queued");
        assertThat(job.path("outputs").get(0).path("attempt").asInt()).isZero();
        assertThat(stack(api.get("/v1/stacks").body(), "ghost-7.0")
                        .path("configured")
                        .asBoolean())
                .isFalse();
        assertThat(api.post("/v1/jobs/" + id + "/cancel").status()).isEqualTo(200);
        server.store().fleet().removeWorker("elsewhere");
    }

    @Test
    void aStackWhoseBinariesReportAnotherVersion_orAreMissing_stopsTheStart() {
        assertThatThrownBy(() -> Toolchains.detect(ConfigLoader.load(
                        Map.of(
                                "stacks", "alt",
                                "stacks.alt.ffmpeg", altFfmpeg.toString(),
                                "stacks.alt.version", "0.1"),
                        Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "stack alt: ffmpeg at " + altFfmpeg + " reports version " + version + ", not the declared 0.1");
        assertThatThrownBy(() -> Toolchains.detect(ConfigLoader.load(
                        Map.of(
                                "stacks", "gone",
                                "stacks.gone.ffmpeg",
                                        tmp.resolve("nowhere/ffmpeg").toString(),
                                "stacks.gone.version", "5.1"),
                        Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stack gone (stacks.gone.ffmpeg, .ffprobe, .version)")
                .hasMessageContaining("no such file");
    }
}
