package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.config.ConfigLoader;
import io.nommer.storage.s3.S3TestServer;
import io.nommer.store.postgres.EmbeddedPostgresServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-machine shape in one JVM: an orchestrator with no workers and a separate worker, sharing only PostgreSQL
 * (embedded, from Maven-provided binaries) and an S3 bucket (s3proxy in-process). The worker has its own data
 * directory: nothing passes between them but the Store and Storage. (Crash tests with separate JVMs are issue 3's.)
 */
class DistributedTest {
    @TempDir
    static Path tmp;

    static EmbeddedPostgresServer postgres;
    static NommerServer orchestrator;
    static WorkerProcess worker;
    static ApiClient api;
    static S3TestServer s3;

    static Map<String, String> settings(String store, Path data, int workers) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("port", "0");
        m.put("data", data.toString());
        m.put("workers", Integer.toString(workers));
        m.put("store", store);
        m.putAll(s3.nommerSettings("distributed"));
        return m;
    }

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        postgres = EmbeddedPostgresServer.shared();
        s3 = S3TestServer.get();
        String store = postgres.newDatabaseUrl();
        orchestrator = NommerServer.start(ConfigLoader.load(settings(store, tmp.resolve("orchestrator"), 0), Map.of()));
        worker = WorkerProcess.start(ConfigLoader.load(settings(store, tmp.resolve("worker"), 1), Map.of()));
        api = new ApiClient(orchestrator.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    void s3Input_isEncodedByTheWorker_andPublishedToTheBucket() throws Exception {
        s3.put(S3TestServer.BUCKET, "sources/clip.mp4", Files.readAllBytes(TestMedia.videoWithAudio()));
        ApiClient.Reply r = api.post("/v1/jobs", """
                {"input": "s3://%s/sources/clip.mp4", "outputs": [{"preset": "mp4-h264"}, {"preset": "thumbnails",
                 "frame_count": 2}]}""".formatted(S3TestServer.BUCKET));
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        String id = r.body().path("id").asText();

        JsonNode job = api.awaitJob(
                id, j -> j.path("state").asText().matches("succeeded|failed|cancelled"), Duration.ofSeconds(90));
        assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");
        JsonNode file = job.path("outputs").get(0).path("files").get(0);
        String uri = file.path("uri").asText();
        assertThat(uri)
                .isEqualTo("s3://" + S3TestServer.BUCKET + "/distributed/outputs/" + id + "/mp4-h264/mp4-h264.mp4");
        assertThat(s3.read(URI.create(uri)))
                .hasValueSatisfying(b ->
                        assertThat((long) b.length).isEqualTo(file.path("size").asLong()));
        assertThat(job.path("outputs").get(1).path("files")).hasSize(2);

        // The orchestrator serves the S3 object through the API.
        ApiClient.Reply dl = api.send(
                HttpRequest.newBuilder(URI.create(file.path("url").asText())).GET());
        assertThat(dl.status()).isEqualTo(200);
        assertThat((long) dl.raw().length).isEqualTo(file.path("size").asLong());
        // ranges and conditional requests, answered by S3 and passed through
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        URI url = URI.create(file.path("url").asText());
        var part = http.send(
                HttpRequest.newBuilder(url).header("Range", "bytes=4-11").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range"))
                .hasValue("bytes 4-11/" + file.path("size").asLong());
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(dl.raw(), 4, 12));
        String etag = part.headers().firstValue("ETag").orElseThrow();
        assertThat(http.send(
                                HttpRequest.newBuilder(url)
                                        .header("If-None-Match", etag)
                                        .GET()
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(304);
        var outside = http.send(
                HttpRequest.newBuilder(url)
                        .header("Range", "bytes=999999999-")
                        .GET()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(outside.statusCode()).isEqualTo(416);
        assertThat(outside.headers().firstValue("Content-Range"))
                .hasValue("bytes */" + file.path("size").asLong());
        assertThat(worker.activeTasks()).isZero();
    }

    @Test
    void upload_goesToTheBucket_soAWorkerOnAnotherMachineCanReadIt() throws Exception {
        ApiClient.Reply up = api.upload(TestMedia.videoWithAudio());
        assertThat(up.status()).isEqualTo(201);
        String uri = up.body().path("uri").asText();
        assertThat(uri).startsWith("s3://" + S3TestServer.BUCKET + "/distributed/uploads/upl_");
        assertThat(tmp.resolve("orchestrator/uploads")
                        .resolve(up.body().path("id").asText()))
                .as("no local copy left on the orchestrator")
                .doesNotExist();

        String id = api.post("/v1/jobs", "{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(uri))
                .body()
                .path("id")
                .asText();
        JsonNode job = api.awaitJob(
                id, j -> j.path("state").asText().matches("succeeded|failed|cancelled"), Duration.ofSeconds(90));
        assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");
    }
}
