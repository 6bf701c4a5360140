package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.cli.CliRunner.Run;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nommer batch} against a real server with real ffmpeg: a folder becomes a job per media file, the table
 * shows each video's time, CPU and cost, and a second run submits nothing that succeeded and retries what failed.
 */
class BatchCommandTest {
    @TempDir
    static Path tmp;

    static NommerServer server;
    static NommerClient client;
    static Path readable;

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        readable = Files.createDirectories(tmp.resolve("readable"));
        server = NommerServer.start(ConfigLoader.load(
                Map.of(
                        "port",
                        "0",
                        "data",
                        tmp.resolve("data").toString(),
                        "workers",
                        "1",
                        "input_roots",
                        readable.toString()),
                Map.of()));
        client = new NommerClient(URI.create(server.baseUrl()));
        client.put("/v1/clouds/default", client.mapper().readTree("{\"price_per_core_hour\": 0.05}"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Run batch(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "batch";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--server";
        all[args.length + 2] = server.baseUrl();
        return CliRunner.run(Map.of(), Terminal.PLAIN, all);
    }

    private static int jobsStored() throws Exception {
        return client.get("/v1/jobs?limit=500").path("jobs").size();
    }

    @Test
    void aFolder_isEncodedAJobPerFile_withATableOfTimeCpuAndCost_andASecondRunOnlyRetriesWhatFailed() throws Exception {
        Path library = Files.createDirectories(tmp.resolve("library/season-1"));
        Files.copy(TestMedia.videoWithAudio(2, 320, 240, 25), library.resolve("a.mp4"));
        Files.copy(TestMedia.videoWithAudio(3, 320, 240, 25), library.resolve("b.mp4"));
        Files.write(library.resolve("broken.avi"), new byte[4096]);
        Files.writeString(library.resolve("notes.txt"), "not media");
        Path report = tmp.resolve("report.csv");
        int before = jobsStored();

        Run first = batch(
                tmp.resolve("library").toString(),
                "--preset",
                "mp3",
                "--preset",
                "thumbnails",
                "--report",
                report.toString());

        assertThat(first.code())
                .as("a video failed: %s", first.out() + first.err())
                .isEqualTo(1);
        assertThat(first.err()).contains("the server cannot read these files itself", "uploading them instead");
        assertThat(first.out())
                .contains("batch: 3 files: 3 to submit")
                .containsPattern("a\\.mp4 +succeeded +0:02 +0:[0-9]{2} +[0-9.]+ +0\\.0000[0-9]+ +[0-9.]+ kB")
                .containsPattern("broken\\.avi +failed")
                .containsPattern("total \\(3\\) +2 succeeded +0:05")
                .contains(
                        "per video:",
                        "cost: CPU seconds / 3600 x the cloud's price per core-hour",
                        "failed: broken.avi")
                .doesNotContain("notes.txt");
        assertThat(jobsStored()).isEqualTo(before + 3);
        List<String> csv = Files.readAllLines(report);
        assertThat(csv).hasSize(4);
        assertThat(csv.get(0)).startsWith("file,job_id,state,input_seconds,wall_seconds,cpu_seconds,cost");
        assertThat(csv.get(1)).contains("/a.mp4,job_", ",succeeded,2.0");

        Run second = batch(tmp.resolve("library").toString(), "--preset", "mp3", "--preset", "thumbnails");

        assertThat(second.code()).isEqualTo(1);
        assertThat(second.out())
                .contains("batch: 3 files: 0 to submit, 2 done in an earlier run, 1 failed earlier and retried")
                .containsPattern("a\\.mp4 +succeeded \\(earlier run\\)")
                .containsPattern("total \\(3\\) +2 succeeded");
        assertThat(jobsStored()).as("nothing submitted twice").isEqualTo(before + 3);
        String brokenJob = csv.get(3).split(",")[1];
        assertThat(client.get("/v1/jobs/" + brokenJob + "/events").path("events"))
                .as("the failed video was retried")
                .anyMatch(e -> e.path("type").asText().equals("job.retried"));

        Run otherPreset = batch(library.resolve("a.mp4").toString(), "--preset", "mp3");
        assertThat(otherPreset.out()).as("other settings, another job").contains("1 to submit");
        assertThat(otherPreset.code()).isZero();

        Run usage = CliRunner.run(
                Map.of(),
                Terminal.PLAIN,
                "usage",
                "--group-by",
                "preset",
                "--from",
                "1h",
                "--server",
                server.baseUrl());
        assertThat(usage.code()).as(usage.err()).isZero();
        assertThat(usage.out())
                .containsPattern("PRESET +JOBS +OUTPUTS +CPU S +MIN IN +MIN OUT +BYTES IN +BYTES OUT +COST")
                .containsPattern("\\nmp3 +[0-9]+ +[0-9]+ +[0-9.]+")
                .containsPattern("\\ntotal +[0-9]+");
    }

    @Test
    void filesTheServerCanRead_arePassedAsFileUris_notUploaded() throws Exception {
        Files.copy(TestMedia.audioOnly(1), readable.resolve("song.mp3"));

        Run r = batch(readable.toString(), "--preset", "mp3", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        JsonNode summary = client.mapper().readTree(lines.get(lines.size() - 1));
        assertThat(summary.path("total").path("videos").asInt()).isEqualTo(1);
        assertThat(summary.path("total").path("cost").asDouble())
                .isCloseTo(
                        summary.path("total").path("cpu_seconds").asDouble() * 0.05 / 3600,
                        org.assertj.core.api.Assertions.within(1e-8));
        String id = summary.path("videos").get(0).path("job_id").asText();
        assertThat(client.job(id).path("input").asText()).startsWith("file:///").endsWith("/song.mp3");
        assertThat(r.err()).doesNotContain("uploading");
    }

    @Test
    void mistakesAreRefusedBeforeAnythingIsSubmitted() throws Exception {
        int before = jobsStored();
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path one = Files.createDirectories(tmp.resolve("one"));
        Files.copy(TestMedia.audioOnly(1), one.resolve("x.mp3"));

        Run none = batch(empty.toString(), "--preset", "mp3");
        Run missing = batch(tmp.resolve("nowhere").toString(), "--preset", "mp3");
        Run preset = batch(one.toString(), "--preset", "mp9");
        Run concurrency = batch(one.toString(), "--preset", "mp3", "--concurrency", "0");

        assertThat(none.code()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("no files matching");
        assertThat(missing.err()).contains("no such file or folder");
        assertThat(preset.err()).contains("unknown preset mp9");
        assertThat(concurrency.err()).contains("--concurrency must be at least 1");
        assertThat(jobsStored()).isEqualTo(before);
    }
}
