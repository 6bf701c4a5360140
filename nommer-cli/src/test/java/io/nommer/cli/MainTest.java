package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code nommer} command against a real server with real ffmpeg. */
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

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
                        "succeeded 100.0%",
                        "/files/mp3.mp3");

        String id = r.out().replaceAll("(?s).*submitted job (job_[0-9a-z]+).*", "$1");
        Run s = run("status", id, "--server", server.baseUrl());
        assertThat(s.code()).isZero();
        assertThat(s.out()).contains("job " + id + ": succeeded", "output mp3 (mp3): succeeded");
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
        assertThat(refused.code()).isEqualTo(1);
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
        assertThat(run("keys", "create", "--data", data.toString()).err()).contains("--tenant NAME");
        assertThat(run("keys", "frobnicate", "--data", data.toString()).err()).contains("create, list or revoke");
    }

    @Test
    void badUsage_explainsItself() {
        assertThat(run("submit", "--preset", "mp3").err()).contains("exactly one FILE or URL");
        assertThat(run("submit", "/no/such/file.mp4", "--preset", "mp3").err()).contains("no such file");
        Run unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command");
        Run refused =
                run("submit", "upload:upl_00000000000000000000000000", "--preset", "mp3", "--server", server.baseUrl());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("invalid_input");
        assertThat(run("status", "job_nope", "--server", server.baseUrl()).err())
                .contains("not_found");
    }
}
