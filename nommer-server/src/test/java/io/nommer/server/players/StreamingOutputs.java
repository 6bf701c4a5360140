package io.nommer.server.players;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.NommerServer;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * nommer's streaming outputs, made the way a user makes them: a real server (HTTP API, SQLite store, in-process
 * workers, ffmpeg) encodes one job with every preset that produces a stream, from an 8-second 640x360 clip cut into
 * 2-second segments. The files stay where nommer published them; archives are unpacked beside them. API keys are
 * required, as on any server reachable from a network: players reach the files through the job's signed URLs.
 */
final class StreamingOutputs implements AutoCloseable {
    /** The clip's length; with 2-second segments, four per rendition. */
    static final int SECONDS = 8;

    /** The rungs' picture heights of every ladder here: 500k, 250k, 125k and 62k on a 360-line source. */
    static final List<Integer> LADDER_HEIGHTS = List.of(360, 270, 180, 144);

    /** The one rendition of the hls preset: 2400k asks for 720 lines, and a rung never exceeds the source's 360. */
    static final List<Integer> SINGLE_HEIGHT = List.of(360);

    private static final Duration ENCODE_TIMEOUT = Duration.ofMinutes(3);

    private final NommerServer server;
    private final JsonNode job;
    private final String ownerToken;
    private final Path unpacked;
    private final Path data;
    private final Duration took;
    private final HttpClient http = HttpClient.newHttpClient();

    private StreamingOutputs(
            NommerServer server, JsonNode job, String ownerToken, Path data, Path unpacked, Duration took) {
        this.server = server;
        this.data = data;
        this.job = job;
        this.ownerToken = ownerToken;
        this.unpacked = unpacked;
        this.took = took;
    }

    /** Each output of the job: its name, preset, and the profile fields it overrides. */
    private static Map<String, Map<String, Object>> outputs(String keyUrl) {
        Map<String, Object> ladder = Map.of("video_bitrate", 500, "segment_time", 2);
        Map<String, Map<String, Object>> o = new LinkedHashMap<>();
        o.put("hls", Map.of("preset", "hls", "segment_time", 2));
        o.put("hls-ladder", with(ladder, "preset", "hls-ladder"));
        o.put(
                "hls-ladder-aes",
                with(with(with(ladder, "preset", "hls-ladder"), "encryption", true), "encryption_key_url", keyUrl));
        o.put("dash-mpd", with(with(ladder, "preset", "dash-ladder"), "extname", ".mpd"));
        o.put("dash-tar", with(ladder, "preset", "dash-ladder"));
        o.put("hss-ism", with(with(ladder, "preset", "hss-ladder"), "extname", ".ism"));
        o.put("hss-tar", with(ladder, "preset", "hss-ladder"));
        return o;
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(m);
        copy.put(key, value);
        return copy;
    }

    /**
     * Starts nommer (letting pages on {@code corsOrigin} call its API), encodes every output and waits for the job to
     * finish. The AES-128 ladder's playlists point at {@code keyUrl}.
     */
    static StreamingOutputs encode(Path work, String corsOrigin, String keyUrl) {
        TestMedia.requireFfmpeg();
        long start = System.nanoTime();
        Path clip = TestMedia.videoWithAudio(SECONDS, 640, 360, 30);
        ServerConfig config = ConfigLoader.load(
                Map.of(
                        "port",
                        "0",
                        "data",
                        work.resolve("data").toString(),
                        "workers",
                        "2",
                        "input_roots",
                        clip.getParent().toString(),
                        "cors_origins",
                        corsOrigin,
                        "auth",
                        "keys"),
                Map.of());
        String apiKey;
        try (Store store = NommerServer.openStore(config)) {
            apiKey = store.keys().create("studio", Role.TENANT, null, null).token();
        }
        NommerServer server = NommerServer.start(config);
        try {
            ObjectMapper mapper = new ObjectMapper();
            List<Map<String, Object>> outputs = new ArrayList<>();
            outputs(keyUrl).forEach((name, fields) -> outputs.add(with(fields, "name", name)));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                            .header("Authorization", "Bearer " + apiKey)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(
                                    Map.of("input", clip.toUri().toString(), "outputs", outputs))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new AssertionError("submitting the job: " + created.statusCode() + " " + created.body());
            }
            JsonNode submitted = mapper.readTree(created.body());
            String id = submitted.path("id").asText();
            JsonNode job = Await.until(
                    "job " + id + " to finish",
                    ENCODE_TIMEOUT,
                    () -> mapper.readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs/" + id))
                                            .header("Authorization", "Bearer " + apiKey)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body()),
                    j -> List.of("succeeded", "failed", "cancelled")
                            .contains(j.path("state").asText()));
            Path unpacked = Files.createDirectories(work.resolve("unpacked"));
            StreamingOutputs o = new StreamingOutputs(
                    server,
                    job,
                    submitted.path("owner_token").asText(),
                    work.resolve("data"),
                    unpacked,
                    Duration.ofNanos(System.nanoTime() - start));
            o.unpackArchives();
            return o;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            server.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** From starting the server to the job's end, clip generation included. */
    Duration took() {
        return took;
    }

    String jobId() {
        return job.path("id").asText();
    }

    /** Why {@code name} cannot be played (not encoded, with nommer's reason), or null when it succeeded. */
    String problem(String name) {
        JsonNode o = output(name);
        if (o.path("state").asText().equals("succeeded")) {
            return null;
        }
        return "nommer did not encode output " + name + ": " + o.path("state").asText() + " " + o.path("error");
    }

    /** The directory holding {@code name}'s files: where nommer published them, or where its archive was unpacked. */
    Path directory(String name) {
        List<JsonNode> files = files(name);
        if (files.size() == 1 && files.get(0).path("role").asText().equals("archive")) {
            return unpacked.resolve(name);
        }
        return local(files.get(0)).getParent();
    }

    /**
     * The file a player starts from: the HLS master playlist, or the one file of {@code extension} (.mpd, .ism) in
     * the output's directory.
     */
    String manifest(String name, String extension) {
        if (extension.equals(".m3u8")) {
            return files(name).stream()
                    .filter(f -> f.path("role").asText().equals("master_playlist"))
                    .map(f -> f.path("name").asText())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("output " + name + " has no master playlist"));
        }
        try (Stream<Path> list = Files.list(directory(name))) {
            List<String> found = list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(extension))
                    .toList();
            if (found.size() != 1) {
                throw new AssertionError("output " + name + " should have one " + extension + " file: " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The API's download URL of one of {@code name}'s files that needs no key: its {@code signed_url} in the job,
     * against which a player resolves the playlist's or manifest's relative references.
     */
    String apiUrl(String name, String fileName) {
        return files(name).stream()
                .filter(f -> f.path("name").asText().equals(fileName))
                .map(f -> f.path("signed_url").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("output " + name + " has no file " + fileName));
    }

    /** The AES-128 key of {@code name}, from the API's key endpoint, as the job's owner. */
    byte[] key(String name) {
        try {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(
                                    URI.create(output(name).path("key_url").asText()))
                            .header("Authorization", "Bearer " + ownerToken)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length != 16) {
                throw new AssertionError(
                        "the key of " + name + ": " + r.statusCode() + ", " + r.body().length + " bytes");
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void unpackArchives() throws IOException {
        for (JsonNode o : job.path("outputs")) {
            String name = o.path("name").asText();
            List<JsonNode> files = files(name);
            if (problem(name) == null
                    && files.size() == 1
                    && files.get(0).path("role").asText().equals("archive")) {
                Path dir = Files.createDirectories(unpacked.resolve(name));
                StreamingFiles.extract(local(files.get(0)), dir);
            }
        }
    }

    /** Where a file the API lists as {@code storage:outputs/...} is: under the server's data directory. */
    private Path local(JsonNode file) {
        String uri = file.path("uri").asText();
        if (!uri.startsWith("storage:")) {
            throw new AssertionError("expected a file in nommer's own storage, not " + uri);
        }
        return data.resolve(uri.substring("storage:".length()));
    }

    private JsonNode output(String name) {
        return StreamSupport.stream(job.path("outputs").spliterator(), false)
                .filter(o -> o.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the job has no output " + name));
    }

    private List<JsonNode> files(String name) {
        List<JsonNode> files = new ArrayList<>();
        output(name).path("files").forEach(files::add);
        return files;
    }

    @Override
    public void close() {
        server.close();
    }
}
