package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process limits set as settings reach every ffmpeg a worker runs: an encode that needs more CPU than
 * {@code encode_cpu_seconds} fails its output with {@code cpu_limit_exceeded}, saying which setting to raise, and
 * {@code GET /v1/capabilities} shows the limit.
 */
class ProcessLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void anEncodePastEncodeCpuSeconds_failsWithCpuLimitExceeded_namingTheSetting() throws Exception {
        TestMedia.requireFfmpeg();
        Path input = Files.createDirectories(tmp.resolve("in")).resolve("clip.mp4");
        // x264 at its medium preset takes several CPU seconds for ten seconds of 640x360
        Files.copy(TestMedia.videoWithAudio(10, 640, 360, 25), input);
        Map<String, String> settings = Map.of(
                "port", "0",
                "data", tmp.resolve("data").toString(),
                "workers", "1",
                "input_roots", tmp.resolve("in").toString(),
                "encode_cpu_seconds", "1");
        try (NommerServer server = NommerServer.start(ConfigLoader.load(settings, Map.of()))) {
            ApiClient api = new ApiClient(server.baseUrl());
            assertThat(api.get("/v1/capabilities")
                            .body()
                            .path("sandbox")
                            .path("cpu_seconds")
                            .asLong())
                    .isEqualTo(1);

            ApiClient.Reply r = api.post(
                    "/v1/jobs",
                    "{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264-hi\"}]}".formatted(input.toUri()));
            assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
            JsonNode done = api.awaitTerminal(r.body().path("id").asText());

            assertThat(done.path("state").asText()).as("%s", done).isEqualTo("failed");
            JsonNode error = done.path("outputs").get(0).path("error");
            assertThat(error.path("code").asText()).isEqualTo("cpu_limit_exceeded");
            assertThat(error.path("message").asText())
                    .contains("its 1 CPU second ")
                    .contains("encode_cpu_seconds");
            assertThat(api.openapi.violations()).isEmpty();
        }
    }
}
