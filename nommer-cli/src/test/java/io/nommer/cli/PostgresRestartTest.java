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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL restarts while a worker JVM encodes: the worker and the orchestrator reconnect and nothing is lost. */
class PostgresRestartTest {
    @TempDir
    Path tmp;

    @Test
    void postgresRestart_midEncode_theJobStillSucceedsWithOneOutput() throws Exception {
        TestMedia.requireFfmpeg();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3TestServer s3 = S3TestServer.get();
        Process worker = null;
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startRestartable(tmp.resolve("pgdata"), port)) {
            Map<String, String> shared = new LinkedHashMap<>(s3.nommerSettings("restart"));
            shared.put("store", pg.newDatabaseUrl());
            shared.put("lease_seconds", "10");
            Map<String, String> serve = new LinkedHashMap<>(shared);
            serve.putAll(Map.of(
                    "port",
                    "0",
                    "workers",
                    "0",
                    "data",
                    tmp.resolve("orchestrator").toString()));
            try (NommerServer orchestrator = NommerServer.start(ConfigLoader.load(serve, Map.of()))) {
                NommerClient client = new NommerClient(URI.create(orchestrator.baseUrl()));
                s3.put(
                        S3TestServer.BUCKET,
                        "sources/restart.mp4",
                        Files.readAllBytes(TestMedia.videoWithAudio(8, 640, 360, 25)));
                String id = client.submit(client.mapper().readTree("""
                        {"input": "s3://%s/sources/restart.mp4", "outputs": [{"preset": "mp4-h264", "name": "web",
                         "h264_preset": "slower"}]}""".formatted(S3TestServer.BUCKET)))
                        .path("id")
                        .asText();

                Map<String, String> settings = new LinkedHashMap<>(shared);
                settings.put("data", tmp.resolve("worker").toString());
                worker = NommerJvm.start(tmp.resolve("worker.log"), settings, "worker", "--slots", "1");

                Await.until(
                        "the encode to start",
                        Duration.ofSeconds(60),
                        () -> client.job(id),
                        j -> j.path("outputs").get(0).path("progress").asDouble() > 0);

                pg.restart(Duration.ofSeconds(2));

                // The orchestrator answers 500 until its pool has reconnected; Await retries through that.
                JsonNode done = Await.until(
                        "job " + id,
                        Duration.ofSeconds(180),
                        () -> client.job(id),
                        j -> j.path("state").asText().matches("succeeded|failed|cancelled"));
                assertThat(done.path("state").asText())
                        .as("%s; worker log %s", done, tmp.resolve("worker.log"))
                        .isEqualTo("succeeded");
                assertThat(s3.list(URI.create("s3://" + S3TestServer.BUCKET + "/restart/outputs/" + id + "/web/")))
                        .containsExactly("web.mp4");
            }
        } finally {
            if (worker != null) {
                worker.destroyForcibly();
            }
        }
    }
}
