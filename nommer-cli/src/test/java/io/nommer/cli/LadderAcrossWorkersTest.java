package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import io.nommer.storage.s3.S3TestServer;
import io.nommer.store.postgres.EmbeddedPostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ladder spread over machines: three worker JVMs, each reporting a different host, share PostgreSQL and an S3
 * bucket. With three machines idle the job is planned as one task per rendition plus packaging, and the timeline
 * says so; the renditions travel through the bucket and the output is the same set of files as from one decode.
 */
class LadderAcrossWorkersTest {
    @TempDir
    Path tmp;

    @Test
    void threeIdleMachines_aLadderRunsAsOneTaskPerRenditionThenPackaging() throws Exception {
        TestMedia.requireFfmpeg();
        S3TestServer s3 = S3TestServer.get();
        Map<String, String> shared = new LinkedHashMap<>(s3.nommerSettings("ladder"));
        shared.put("store", EmbeddedPostgresServer.shared().newDatabaseUrl());
        Map<String, String> serve = new LinkedHashMap<>(shared);
        serve.putAll(Map.of(
                "port", "0", "workers", "0", "data", tmp.resolve("orchestrator").toString()));
        List<Process> workers = new ArrayList<>();
        try (NommerServer orchestrator = NommerServer.start(ConfigLoader.load(serve, Map.of()))) {
            NommerClient client = new NommerClient(URI.create(orchestrator.baseUrl()));
            for (String host : List.of("machine-a", "machine-b", "machine-c")) {
                Map<String, String> settings = new LinkedHashMap<>(shared);
                settings.put("data", tmp.resolve(host).toString());
                workers.add(NommerJvm.start(
                        tmp.resolve(host + ".log"), settings, Map.of("HOSTNAME", host), "worker", "--slots", "1"));
            }
            Await.until(
                    "three workers reporting",
                    Duration.ofSeconds(60),
                    () -> client.get("/v1/workers"),
                    w -> w.path("workers").size() == 3);

            Path clip = TestMedia.videoWithAudio(4, 640, 360, 25);
            s3.put(S3TestServer.BUCKET, "sources/ladder.mp4", Files.readAllBytes(clip));
            String id = client.submit(client.mapper().readTree("""
                    {"input": "s3://%s/sources/ladder.mp4", "outputs": [{"preset": "hls-ladder", "name": "hls",
                     "video_bitrate": 800, "segment_time": 2}]}""".formatted(S3TestServer.BUCKET)))
                    .path("id")
                    .asText();
            JsonNode job = Await.until(
                    "job " + id,
                    Duration.ofSeconds(240),
                    () -> client.job(id),
                    j -> j.path("state").asText().matches("succeeded|failed|cancelled"));
            assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");

            JsonNode output = job.path("outputs");
            assertThat(output).as("renditions are not outputs of their own").hasSize(1);
            JsonNode parts = output.get(0).path("parts");
            assertThat(parts).hasSize(4);
            parts.forEach(p -> assertThat(p.path("state").asText()).isEqualTo("succeeded"));
            List<String> roles = new ArrayList<>();
            output.get(0).path("files").forEach(f -> roles.add(f.path("role").asText()));
            assertThat(roles)
                    .containsOnly("segment", "variant_playlist", "master_playlist")
                    .endsWith("master_playlist");

            List<String> timeline = new ArrayList<>();
            client.get("/v1/jobs/" + id + "/events")
                    .path("events")
                    .forEach(e -> timeline.add(
                            e.path("type").asText() + " " + e.path("message").asText()));
            assertThat(timeline)
                    .anySatisfy(e -> assertThat(e)
                            .startsWith("job.planned output hls: 4 renditions as "
                                    + "separate tasks, then packaging: 3 machines have idle workers"));
            assertThat(timeline.stream().filter(e -> e.startsWith("task.encoded rendition ")))
                    .hasSize(4);
            assertThat(timeline).anySatisfy(e -> assertThat(e).startsWith("task.encoded audio; package (hls)"));

            // the packaging worker deletes the renditions after its completion commits (so that a lost lease leaves
            // them for the next attempt): the job can read as succeeded a moment before they are gone
            URI renditions = URI.create("s3://" + S3TestServer.BUCKET + "/ladder/outputs/" + id + "/RENDITIONS-hls/");
            Await.until(
                    "renditions deleted once packaged",
                    Duration.ofSeconds(10),
                    () -> s3.list(renditions).isEmpty());

            JsonNode master = output.get(0).path("files").get(roles.size() - 1);
            HttpResponse<String> playlist = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(master.path("url").asText()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(playlist.body().split("#EXT-X-STREAM-INF", -1)).hasSize(5);
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }
}
