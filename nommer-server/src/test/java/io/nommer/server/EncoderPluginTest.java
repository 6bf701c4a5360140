package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.testing.PluginJars;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encoder plug-in as its author ships one: a provider compiled here against nommer-core alone, packed into a jar
 * with its services file, dropped into a {@code plugins} folder and chosen with the {@code encoder} setting. The
 * service runs it like the ffmpeg encoder: the worker fetches and probes the input, the plug-in writes its file, and
 * the job publishes it.
 */
class EncoderPluginTest {
    /** Writes a text file describing what it was given: the probed input and the requested size. */
    private static final String TRANSCRIPT = """
            package example.transcript;

            import io.nommer.core.encode.*;
            import java.io.IOException;
            import java.io.UncheckedIOException;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;

            public final class TranscriptEncoderProvider implements EncoderProvider {
                public String name() { return "transcript"; }

                public boolean needsInput() { return true; }

                public Encoder create(EncoderContext context) {
                    return (request, progress, cancel) -> {
                        Path out = request.outDir().resolve(request.baseName() + ".txt");
                        try {
                            Files.writeString(out, "transcript of " + Files.size(request.inputFile()) + " bytes, "
                                    + request.input().demuxer() + ", " + request.input().streams().size()
                                    + " streams, width " + request.profile().get(io.nommer.core.profile.Profile.WIDTH)
                                    + "\\n");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        progress.progress(100);
                        return new EncodeResult(List.of(new PlannedFile(out, PlannedFile.OTHER)), 0.25);
                    };
                }
            }
            """;

    @TempDir
    Path tmp;

    private Map<String, String> settings(Path plugins, String encoder) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("port", "0");
        m.put("data", tmp.resolve("data").toString());
        m.put("workers", "1");
        m.put("encoder", encoder);
        m.put("plugins", plugins.toString());
        return m;
    }

    private Path transcriptPlugin(Path plugins) throws Exception {
        return PluginJars.build(
                plugins,
                "transcript-encoder.jar",
                Map.of("example.transcript.TranscriptEncoderProvider", TRANSCRIPT),
                List.of("example.transcript.TranscriptEncoderProvider"));
    }

    @Test
    void aPluginEncoder_encodesAJobSubmittedThroughTheApi_andItsFileIsPublished() throws Exception {
        TestMedia.requireFfmpeg();
        Path plugins = tmp.resolve("plugins");
        transcriptPlugin(plugins);
        Path clip = Media.clip(Files.createDirectories(tmp.resolve("media")), "clip.mp4", "320x240", 1, true, true);

        try (NommerServer server = NommerServer.start(ConfigLoader.load(settings(plugins, "transcript"), Map.of()))) {
            ApiClient api = new ApiClient(server.baseUrl());
            String input = api.upload(clip).body().path("uri").asText();
            Reply submitted = api.post("/v1/jobs", """
                    {"input": "%s", "outputs": [{"preset": "mp4-h264", "name": "words", "width": 640, "height": 360}]}""".formatted(input));
            assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);

            JsonNode job = api.awaitTerminal(submitted.body().path("id").asText());

            assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
            assertThat(job.path("input_info").path("streams")).hasSize(2);
            JsonNode files = job.path("outputs").get(0).path("files");
            assertThat(files).hasSize(1);
            JsonNode file = files.get(0);
            assertThat(file.path("name").asText()).isEqualTo("words.txt");
            assertThat(file.path("role").asText()).isEqualTo("other");
            Reply download =
                    api.send(HttpRequest.newBuilder(URI.create(file.path("url").asText()))
                            .GET());
            assertThat(download.status()).isEqualTo(200);
            assertThat(new String(download.raw(), StandardCharsets.UTF_8))
                    .isEqualTo("transcript of " + Files.size(clip) + " bytes, mov, 2 streams, width 640\n");

            JsonNode capabilities = api.get("/v1/capabilities").body();
            assertThat(capabilities.path("encoder").asText()).isEqualTo("transcript");
            assertThat(encoder(capabilities, "transcript").toString())
                    .isEqualTo("{\"name\":\"transcript\",\"reads_input\":true,\"source\":\"plugin\","
                            + "\"jar\":\"transcript-encoder.jar\"}");
            assertThat(encoder(capabilities, "ffmpeg").toString())
                    .isEqualTo("{\"name\":\"ffmpeg\",\"reads_input\":true,\"source\":\"built-in\"}");
            assertThat(encoder(capabilities, "null").toString())
                    .isEqualTo("{\"name\":\"null\",\"reads_input\":false,\"source\":\"built-in\"}");
            JsonNode workers = api.get("/v1/workers").body().path("workers");
            assertThat(workers.get(0).path("encoder").asText()).isEqualTo("transcript");
            api.assertFollowedOpenApi();
        }
    }

    private static JsonNode encoder(JsonNode capabilities, String name) {
        return StreamSupport.stream(capabilities.path("encoders").spliterator(), false)
                .filter(e -> e.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no encoder " + name + " in " + capabilities));
    }

    @Test
    void start_withAnEncoderThatIsNotLoaded_failsListingTheLoadedOnes() throws Exception {
        Path plugins = tmp.resolve("plugins");
        transcriptPlugin(plugins);

        assertThatThrownBy(() -> NommerServer.start(ConfigLoader.load(settings(plugins, "transcripts"), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder 'transcripts' is not loaded; loaded encoders: ffmpeg (built-in), "
                        + "null (built-in), transcript (transcript-encoder.jar)");
        assertThatThrownBy(() -> WorkerProcess.start(ConfigLoader.load(settings(plugins, "transcripts"), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder 'transcripts' is not loaded");
        assertThat(tmp.resolve("data/nommer.db")).as("nothing was opened").doesNotExist();
    }

    @Test
    void start_withABrokenJarInThePluginsFolder_failsNamingTheJar() throws Exception {
        Path plugins = tmp.resolve("plugins");
        transcriptPlugin(plugins);
        Path broken = PluginJars.broken(plugins, "half-downloaded.jar");

        assertThatThrownBy(() -> NommerServer.start(ConfigLoader.load(settings(plugins, "transcript"), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins: " + broken.toAbsolutePath() + " cannot be read as a jar");
        assertThatThrownBy(() -> WorkerProcess.start(ConfigLoader.load(settings(plugins, "ffmpeg"), Map.of())))
                .hasMessageContaining("half-downloaded.jar");
    }

    @Test
    void start_withAPluginsSettingThatIsNoFolder_failsNamingTheSetting() {
        Path missing = tmp.resolve("no-such-folder");

        assertThatThrownBy(() -> WorkerProcess.start(ConfigLoader.load(settings(missing, "null"), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins: " + missing.toAbsolutePath() + " is not a directory");
    }
}
