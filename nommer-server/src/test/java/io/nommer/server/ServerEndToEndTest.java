package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The service as a user meets it: a real server on a free port, the SQLite store, local storage, in-process workers
 * and real ffmpeg, driven over HTTP. Outputs are checked with ffprobe.
 */
class ServerEndToEndTest {
    static final String SECRET = "test-webhook-secret-0123456789";

    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient api;
    static Path media;
    static Path outRoot;
    static Path clip;

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        media = Files.createDirectories(tmp.resolve("media"));
        outRoot = Files.createDirectories(tmp.resolve("published"));
        clip = Media.clip(media, "clip.mp4", "320x240", 2, true, true);
        server = NommerServer.start(ConfigLoader.load(
                Map.of(
                        "port",
                        "0",
                        "data",
                        tmp.resolve("data").toString(),
                        "workers",
                        "2",
                        "input_roots",
                        media.toString(),
                        "output_roots",
                        outRoot.toString(),
                        "allow_private_networks",
                        "true",
                        "webhook_secret",
                        SECRET),
                Map.of()));
        api = new ApiClient(server.baseUrl());
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

    private static String uploadClip() {
        Reply r = api.upload(clip);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().path("size").asLong()).isEqualTo(clip.toFile().length());
        return r.body().path("uri").asText();
    }

    private static String submit(String json) {
        Reply r = api.post("/v1/jobs", json);
        assertThat(r.status()).as("submit: %s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    private static JsonNode output(JsonNode job, String name) {
        return ApiClient.output(job, name);
    }

    private static Path download(JsonNode file) throws Exception {
        return api.download(file, tmp);
    }

    @Test
    void upload_thenSeedPresetsAndThumbnails_produceWhatTheyPromise() throws Exception {
        String input = uploadClip();
        String id = submit("""
                {"input": "%s", "outputs": [
                  {"preset": "flv-320x240"},
                  {"preset": "mp4-mpeg4-320x180"},
                  {"preset": "thumbnails", "frame_count": 3}],
                 "metadata": {"video_id": 42}}""".formatted(input));
        JsonNode job = api.awaitTerminal(id);

        assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
        assertThat(job.path("progress").asDouble()).isEqualTo(100.0);
        assertThat(job.path("metadata").path("video_id").asInt()).isEqualTo(42);
        JsonNode info = job.path("input_info");
        assertThat(info.path("duration").asDouble()).isCloseTo(2.0, within(0.1));
        assertThat(info.path("container").asText()).isEqualTo("mov");
        assertThat(info.path("streams")).hasSize(2);
        assertThat(job.path("cpu_seconds").asDouble()).isPositive();

        JsonNode flv = output(job, "flv-320x240").path("files").get(0);
        // where the server keeps its data is its own business
        assertThat(flv.path("uri").asText()).startsWith("storage:outputs/" + id + "/flv-320x240/");
        assertThat(job.toString()).doesNotContain(tmp.resolve("data").toString());
        assertThat(flv.path("width").asInt()).isEqualTo(320);
        assertThat(flv.path("height").asInt()).isEqualTo(240);
        JsonNode flvProbe = Media.probe(download(flv));
        assertThat(flvProbe.path("format").path("format_name").asText()).isEqualTo("flv");
        JsonNode flvVideo = Media.videoStream(flvProbe);
        assertThat(flvVideo.path("codec_name").asText()).isEqualTo("flv1");
        assertThat(flvVideo.path("avg_frame_rate").asText()).isEqualTo("25/1");
        JsonNode flvAudio = Media.audioStream(flvProbe);
        assertThat(flvAudio.path("codec_name").asText()).isEqualTo("mp3");
        assertThat(flvAudio.path("sample_rate").asText()).isEqualTo("44100");
        assertThat(flvProbe.path("format").path("duration").asDouble()).isCloseTo(2.0, within(0.2));

        JsonNode mp4 = Media.probe(
                download(output(job, "mp4-mpeg4-320x180").path("files").get(0)));
        assertThat(Media.videoStream(mp4).path("codec_name").asText()).isEqualTo("mpeg4");
        assertThat(Media.videoStream(mp4).path("width").asInt()).isEqualTo(320);
        assertThat(Media.videoStream(mp4).path("height").asInt()).isEqualTo(180);
        assertThat(Media.audioStream(mp4).path("codec_name").asText()).isEqualTo("aac");

        JsonNode thumbs = output(job, "thumbnails").path("files");
        assertThat(thumbs).hasSize(3);
        for (JsonNode t : thumbs) {
            assertThat(t.path("role").asText()).isEqualTo("thumbnail");
            assertThat(Media.videoStream(Media.probe(download(t)))
                            .path("codec_name")
                            .asText())
                    .isEqualTo("mjpeg");
        }
    }

    @Test
    void fileInput_withDestination_publishesIntoTheDestinationFolder() {
        String dest = outRoot.resolve("site").toUri() + "/";
        String id = submit("""
                {"input": "%s", "outputs": [{"preset": "mp4-h264", "name": "web", "destination": "%s"}]}""".formatted(clip.toUri(), dest));
        JsonNode job = api.awaitTerminal(id);
        assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
        Path published = outRoot.resolve("site/web.mp4");
        assertThat(published).exists();
        JsonNode v = Media.videoStream(Media.probe(published));
        assertThat(v.path("codec_name").asText()).isEqualTo("h264");
        assertThat(v.path("width").asInt())
                .as("no upscaling past the 320x240 source")
                .isEqualTo(320);
        assertThat(output(job, "web").path("files").get(0).path("uri").asText())
                .isEqualTo(published.toUri().toString());

        // a second job may not publish over the first one's files
        Reply again = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "mp3", "name": "web", "destination": "%s"}]}""".formatted(clip.toUri(), dest));
        assertThat(again.status()).as("%s", again.body()).isEqualTo(409);
        assertThat(again.body().path("code").asText()).isEqualTo("destination_exists");
        assertThat(again.body().path("field").asText()).isEqualTo("outputs[0].destination");
        assertThat(again.body().path("detail").asText()).contains(id);
        // nor by spelling the same folder another way
        String respelled = dest.replace("file:///", "file:/").replace("/site/", "//./site/");
        Reply sameFolder = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "mp3", "name": "web", "destination": "%s"}]}""".formatted(clip.toUri(), respelled));
        assertThat(sameFolder.status())
                .as("%s -> %s", respelled, sameFolder.body())
                .isEqualTo(409);
    }

    @Test
    void httpInput_isFetchedByNommer() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/clip.mp4", ex -> {
            byte[] b = Files.readAllBytes(clip);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        origin.start();
        try {
            String id = submit("""
                    {"input": "http://127.0.0.1:%d/clip.mp4", "outputs": [{"preset": "m4a-aac"}]}""".formatted(origin.getAddress().getPort()));
            JsonNode job = api.awaitTerminal(id);
            assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
            JsonNode a =
                    Media.probe(download(output(job, "m4a-aac").path("files").get(0)));
            assertThat(a.path("streams")).hasSize(1);
            assertThat(Media.audioStream(a).path("codec_name").asText()).isEqualTo("aac");
        } finally {
            origin.stop(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                                                              | 400 | malformed_json   |
            []                                                                    | 400 | malformed_json   |
            {"input": "upload:upl_x", "input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}]} | 400 | malformed_json |
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "width": 320, "width": 640}]} | 400 | malformed_json |
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}], "metadata": {"title": "a\\ud800b"}} | 400 | malformed_json |
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}], "metadata": {"\\udc00": "x"}} | 400 | malformed_json |
            {"outputs": [{"preset": "mp4-h264"}]}                                  | 422 | invalid_request  | input
            {"input": 42, "outputs": [{"preset": "mp4-h264"}]}                     | 422 | invalid_request  | input
            {"input": "upload:upl_x", "outputs": "mp4"}                           | 422 | invalid_request  | outputs
            {"input": "upload:upl_x", "outputs": []}                              | 422 | invalid_request  | outputs
            {"input": "upload:upl_x", "outputs": [{"preset": "nope"}]}            | 422 | unknown_preset   | outputs[0].preset
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "width": -640}]} | 422 | invalid_profile | outputs[0].width
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "width": 100000}]} | 422 | invalid_profile | outputs[0].width
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "fps": "fast"}]} | 422 | invalid_profile | outputs[0].fps
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "two_pass": true}]} | 422 | invalid_profile | outputs[0].two_pass
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "colour": "red"}]} | 422 | invalid_profile | outputs[0].colour
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}], "priority": "urgent"} | 422 | invalid_request | priority
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}], "extra": 1} | 422 | unknown_field | extra
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}], "cloud": "nowhere"} | 422 | unknown_cloud | cloud
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}], "cloud": "Bad Name!"} | 422 | unknown_cloud | cloud
            {"input": "file:///etc/passwd", "outputs": [{"preset": "mp4-h264"}]}   | 422 | invalid_input    | input
            {"input": "gopher://x/y", "outputs": [{"preset": "mp4-h264"}]}         | 422 | invalid_input    | input
            {"input": "upload:upl_00000000000000000000000000", "outputs": [{"preset": "mp4-h264"}]} | 422 | invalid_input | input
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "destination": "file:///etc/"}]} | 422 | invalid_destination | outputs[0].destination
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264"}, {"preset": "mp4-h264", "name": "mp4-h264"}]} | 422 | invalid_request | outputs[1].name
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "watermark_url": "upload:upl_00000000000000000000000000"}]} | 422 | invalid_input | outputs[0].watermark_url
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "watermark_url": "file:///etc/passwd"}]} | 422 | invalid_input | outputs[0].watermark_url
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "watermark_url": "logo.png"}]} | 422 | invalid_profile | outputs[0].watermark_url
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "watermark_opacity": 0.5}]} | 422 | invalid_profile | outputs[0].watermark_opacity
            {"input": "upload:upl_x", "outputs": [{"preset": "mp4-h264", "watermark_url": "upload:upl_x", "watermark_left": 0, "watermark_right": "5%"}]} | 422 | invalid_profile | outputs[0].watermark_right
            {"input": "upload:upl_x", "outputs": [{"preset": "mp3", "watermark_url": "upload:upl_x"}]} | 422 | invalid_profile | outputs[0].watermark_url
            """)
    void badRequests_getAProblemWithAStableCode(String body, int status, String code, String field) {
        Reply r = api.post("/v1/jobs", body.replace("upload:upl_x", uploadClip()));
        assertThat(r.status()).as("%s -> %s", body, r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("code").asText()).isEqualTo(code);
        if (field != null) {
            assertThat(r.body().path("field").asText()).isEqualTo(field);
        }
        assertThat(r.body().path("detail").asText()).isNotBlank();
    }

    @Test
    void repeatedKeysAndUnpairedSurrogates_areRefusedSayingWhere_whileSurrogatePairsPass() {
        String input = uploadClip();
        Reply repeated = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "mp3", "audio_bitrate": 64, "audio_bitrate": 128}]}""".formatted(input));
        assertThat(repeated.status()).isEqualTo(400);
        assertThat(repeated.body().path("detail").asText()).contains("'audio_bitrate'", "/outputs/0");

        Reply lone = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "mp3"}], "metadata": {"title": "a\\ud800"}}""".formatted(input));
        assertThat(lone.status()).isEqualTo(400);
        assertThat(lone.body().path("detail").asText()).contains("/metadata/title");

        String id = submit("""
                {"input": "%s", "outputs": [{"preset": "mp3"}], "metadata": {"title": "clap \\ud83c\\udfac"}}""".formatted(input));
        assertThat(api.get("/v1/jobs/" + id)
                        .body()
                        .path("metadata")
                        .path("title")
                        .asText())
                .isEqualTo("clap \uD83C\uDFAC");
    }

    @Test
    void emptyUpload_isRefused() {
        Reply r = api.upload(new byte[0]);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("code").asText()).isEqualTo("empty_upload");
    }

    @Test
    void unknownEndpointAndWrongMethod_areProblems() {
        assertThat(api.get("/v1/nothing").body().path("code").asText()).isEqualTo("not_found");
        assertThat(api.get("/v1/jobs/job_missing").status()).isEqualTo(404);
        Reply r = api.delete("/v1/jobs");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.body().path("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void badMedia_failsItsJobWithAReason_andOtherJobsAreUnaffected() throws Exception {
        String notMedia = api.upload(
                        "this is not a video, just text\n".repeat(100).getBytes())
                .body()
                .path("uri")
                .asText();
        Path audioOnly = Media.clip(media, "tone.mp3", null, 1, false, true);
        String audio = api.upload(audioOnly).body().path("uri").asText();
        byte[] whole = Files.readAllBytes(clip);
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        String truncated = api.upload(half).body().path("uri").asText();
        Path playlist = media.resolve("sneaky.mp4");
        Files.writeString(
                playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n" + clip.toUri() + "\n#EXT-X-ENDLIST\n");
        String sparse = api.upload(io.nommer.ffmpeg.testing.TestMedia.framesHoursApart())
                .body()
                .path("uri")
                .asText();
        String good = uploadClip();

        String a = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}".formatted(notMedia));
        String b = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}".formatted(audio));
        String c = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}".formatted(truncated));
        String d = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}".formatted(playlist.toUri()));
        String e = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(good));
        String f = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}".formatted(sparse));

        assertFailed(a, "not_media");
        assertFailed(b, "no_video_stream");
        JsonNode t = api.awaitTerminal(c);
        assertThat(t.path("state").asText()).isEqualTo("failed");
        assertThat(output(t, "mp4-h264").path("error").path("code").asText()).isIn("not_media", "encode_failed");
        assertFailed(d, "not_media");
        assertFailed(f, "input_limits_exceeded");
        assertThat(api.awaitTerminal(e).path("state").asText()).isEqualTo("succeeded");
        assertThat(api.get("/healthz").status()).isEqualTo(200);
    }

    /** A solid red PNG of {@code size} ({@code WxH}) in the media directory. */
    private static Path redPng(String name, String size) {
        Path png = media.resolve(name);
        Media.run(List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "color=c=red:s=" + size,
                "-frames:v",
                "1",
                png.toString()));
        return png;
    }

    @Test
    void watermarks_areDrawnFromAnUpload_andABadOneFailsItsJobBeforeAnythingIsEncoded() throws Exception {
        Path red = redPng("red.png", "40x20");
        Path huge = redPng("huge.png", "4100x8");
        String logo = api.upload(red).body().path("uri").asText();
        String text = api.upload("not a picture\n".repeat(20).getBytes())
                .body()
                .path("uri")
                .asText();
        String input = uploadClip();
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        origin.start();
        try {
            String marked = submit("""
                    {"input": "%s", "outputs": [{"preset": "mp4-h264", "watermark_url": "%s",
                      "watermark_left": 0, "watermark_top": 0, "watermark_width": "25%%"}]}""".formatted(input, logo));
            String notImage = submit("""
                    {"input": "%s", "outputs": [{"preset": "mp4-h264", "watermark_url": "%s"}]}""".formatted(input, text));
            String tooLarge = submit("""
                    {"input": "%s", "outputs": [{"preset": "mp4-h264", "watermark_url": "%s"}]}""".formatted(input, huge.toUri()));
            String missing = submit("""
                    {"input": "%s", "outputs": [{"preset": "mp4-h264", "watermark_url": "http://127.0.0.1:%d/logo.png"}]}""".formatted(input, origin.getAddress().getPort()));

            JsonNode job = api.awaitTerminal(marked);
            assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
            Path mp4 = download(output(job, "mp4-h264").path("files").get(0));
            // a 25% wide mark in the top-left corner of the 320x240 frame: 80x40, red; the rest is the test pattern
            Path pixel = tmp.resolve("pixel.rgb");
            Media.run(List.of(
                    "ffmpeg",
                    "-v",
                    "error",
                    "-y",
                    "-i",
                    mp4.toString(),
                    "-frames:v",
                    "1",
                    "-vf",
                    "format=rgb24,crop=1:1:40:20",
                    "-f",
                    "rawvideo",
                    pixel.toString()));
            byte[] rgb = Files.readAllBytes(pixel);
            assertThat(rgb[0] & 0xff).as("red").isGreaterThan(200);
            assertThat(rgb[1] & 0xff).as("green").isLessThan(60);
            assertThat(rgb[2] & 0xff).as("blue").isLessThan(60);

            for (String[] failed : new String[][] {
                {notImage, "watermark_not_image"}, {tooLarge, "watermark_too_large"}, {missing, "watermark_not_found"}
            }) {
                assertFailed(failed[0], failed[1]);
                assertThat(output(api.awaitTerminal(failed[0]), "mp4-h264")
                                .path("error")
                                .path("message")
                                .asText())
                        .contains("the watermark (watermark_url ");
                assertThat(api.get("/v1/jobs/" + failed[0] + "/events").body().toString())
                        .as("the input is neither fetched nor probed")
                        .doesNotContain("task.probed");
            }
        } finally {
            origin.stop(0);
        }
    }

    private static void assertFailed(String id, String code) {
        JsonNode job = api.awaitTerminal(id);
        assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("failed");
        JsonNode err = job.path("outputs").get(0).path("error");
        assertThat(err.path("code").asText()).as("job %s", job).isEqualTo(code);
        assertThat(err.path("message").asText()).isNotBlank();
        // the server's data directory stays out of sight (an input path the client named itself may show)
        String data = tmp.resolve("data").toString();
        assertThat(job.toString()).as("job %s", job).doesNotContain(data);
        assertThat(api.get("/v1/jobs/" + id + "/events").body().toString()).doesNotContain(data);
    }

    @Test
    void cancel_killsTheRunningFfmpeg() throws Exception {
        Path longer = Media.clip(media, "long.mp4", "640x360", 20, true, false);
        String id = submit("""
                {"input": "%s", "outputs": [{"preset": "webm-vp9", "vp9_speed": 0, "upscale": true,
                  "width": 1280, "height": 720}]}""".formatted(longer.toUri()));
        api.awaitJob(
                id,
                j -> j.path("state").asText().equals("running")
                        && j.path("outputs").get(0).path("progress").asDouble() > 0,
                Duration.ofSeconds(60));
        assertThat(ffmpegChildren()).isNotEmpty();

        Reply r = api.post("/v1/jobs/" + id + "/cancel", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("state").asText()).isEqualTo("cancelled");
        Await.until(
                "ffmpeg to be killed",
                Duration.ofSeconds(10),
                () -> ffmpegChildren().isEmpty());
        assertThat(ffmpegChildren())
                .as("ffmpeg processes still running after cancel")
                .isEmpty();
        assertThat(api.get("/v1/jobs/" + id)
                        .body()
                        .path("outputs")
                        .get(0)
                        .path("state")
                        .asText())
                .isEqualTo("cancelled");
        assertThat(api.post("/v1/jobs/" + id + "/cancel", "").status()).isEqualTo(409);
    }

    @Test
    void cancel_stopsAnInputDownloadInProgress_andDeletesThePartialFile() throws Exception {
        CountDownLatch hungUp = new CountDownLatch(1);
        AtomicLong sent = new AtomicLong();
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/endless.mp4", ex -> {
            // fast enough for the minimum rate, endless enough to be downloading when the job is cancelled
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (var out = ex.getResponseBody()) {
                while (System.nanoTime() < until) {
                    out.write(chunk);
                    out.flush();
                    sent.addAndGet(chunk.length);
                    Thread.sleep(50);
                }
            } catch (java.io.IOException e) {
                hungUp.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        origin.start();
        try {
            String id =
                    submit("{\"input\": \"http://127.0.0.1:%d/endless.mp4\", \"outputs\": [{\"preset\": \"m4a-aac\"}]}"
                            .formatted(origin.getAddress().getPort()));
            Await.until("the download to be under way", Duration.ofSeconds(30), () -> sent.get() > 256 * 1024);
            Path work = tmp.resolve("data").resolve("work");
            assertThat(partialDownloads(work)).as("the partial download").isNotEmpty();

            Reply r = api.post("/v1/jobs/" + id + "/cancel", "");
            assertThat(r.status()).isEqualTo(200);

            assertThat(hungUp.await(5, TimeUnit.SECONDS))
                    .as("the origin saw the download's connection closed within seconds of the cancel")
                    .isTrue();
            Await.until(
                    "the partial download to be deleted",
                    Duration.ofSeconds(5),
                    () -> partialDownloads(work).isEmpty());
            JsonNode job = api.get("/v1/jobs/" + id).body();
            assertThat(job.path("state").asText()).isEqualTo("cancelled");
            assertThat(output(job, "m4a-aac").path("state").asText()).isEqualTo("cancelled");
        } finally {
            origin.stop(0);
        }
    }

    private static List<Path> partialDownloads(Path work) {
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (var files = Files.walk(work)) {
            return files.filter(f -> f.getFileName().toString().equals("input.mp4"))
                    .toList();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of(work); // a folder vanishing while walked: look again
        }
    }

    private static List<ProcessHandle> ffmpegChildren() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.isAlive()
                        && p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false))
                .toList();
    }

    @Test
    void retry_runsFailedOutputsAgain() {
        String bad =
                api.upload("garbage".repeat(50).getBytes()).body().path("uri").asText();
        String id = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(bad));
        assertFailed(id, "not_media");
        Reply r = api.post("/v1/jobs/" + id + "/retry", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("state").asText()).isIn("queued", "running", "failed");
        assertFailed(id, "not_media");
        List<String> types = new ArrayList<>();
        api.get("/v1/jobs/" + id + "/events")
                .body()
                .path("events")
                .forEach(e -> types.add(e.path("type").asText()));
        assertThat(types).containsSubsequence("job.created", "task.failed", "job.failed", "job.retried", "job.failed");

        String ok = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(uploadClip()));
        assertThat(api.awaitTerminal(ok).path("state").asText()).isEqualTo("succeeded");
        assertThat(api.post("/v1/jobs/" + ok + "/retry", "").body().path("code").asText())
                .isEqualTo("job_not_retryable");
    }

    @Test
    void bulkSubmit_storesAllJobsOrNone() {
        String input = uploadClip();
        long before = api.get("/v1/jobs?limit=500").body().path("jobs").size();
        Reply bad = api.post("/v1/jobs/bulk", """
                {"jobs": [{"input": "%1$s", "outputs": [{"preset": "mp3"}]},
                          {"input": "%1$s", "outputs": [{"preset": "nope"}]}]}""".formatted(input));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().path("code").asText()).isEqualTo("unknown_preset");
        assertThat(bad.body().path("field").asText()).isEqualTo("jobs[1].outputs[0].preset");
        assertThat(api.get("/v1/jobs?limit=500").body().path("jobs").size())
                .as("nothing stored")
                .isEqualTo(before);
        assertThat(api.post("/v1/jobs/bulk", "{\"jobs\": []}")
                        .body()
                        .path("field")
                        .asText())
                .isEqualTo("jobs");

        String body = """
                {"jobs": [{"input": "%1$s", "outputs": [{"preset": "mp3"}], "metadata": {"n": 1}},
                          {"input": "%1$s", "outputs": [{"preset": "mp3"}], "priority": "high"}]}""".formatted(input);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs/bulk"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "batch-9")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Reply created = api.send(req, body.getBytes());
        assertThat(created.status()).isEqualTo(201);
        JsonNode jobs = created.body().path("jobs");
        assertThat(jobs).hasSize(2);
        JsonNode first = jobs.get(0);
        assertThat(first.path("state").asText()).isEqualTo("queued");
        assertThat(first.path("created").asBoolean()).isTrue();
        assertThat(first.path("owner_token").asText()).startsWith("own_");
        assertThat(first.has("outputs")).as("a receipt, not the whole job").isFalse();
        assertThat(first.path("links").path("self").asText())
                .endsWith("/v1/jobs/" + first.path("id").asText());
        assertThat(api.get("/v1/jobs/" + first.path("id").asText())
                        .body()
                        .path("metadata")
                        .path("n")
                        .asInt())
                .isEqualTo(1);
        assertThat(api.get("/v1/jobs/" + jobs.get(1).path("id").asText())
                        .body()
                        .path("priority")
                        .asText())
                .isEqualTo("high");
        Reply again = api.send(req, body.getBytes());
        assertThat(again.status()).isEqualTo(200);
        JsonNode repeated = again.body().path("jobs").get(1);
        assertThat(repeated.path("id").asText())
                .isEqualTo(jobs.get(1).path("id").asText());
        assertThat(repeated.path("created").asBoolean()).isFalse();
        assertThat(repeated.has("owner_token"))
                .as("shown once, when the job was created")
                .isFalse();
        for (JsonNode j : jobs) {
            assertThat(api.awaitTerminal(j.path("id").asText()).path("state").asText())
                    .isEqualTo("succeeded");
        }
    }

    @Test
    void bulkJobs_mayEachCarryTheirOwnIdempotencyKey_andAJobIsFoundByItsKey() {
        String input = api.upload(TestMedia.audioOnly(1)).body().path("uri").asText();
        String body = """
                {"jobs": [{"input": "%1$s", "outputs": [{"preset": "mp3"}], "idempotency_key": "file-a"},
                          {"input": "%1$s", "outputs": [{"preset": "mp3"}], "idempotency_key": "file-b"}]}""".formatted(input);
        Reply created = api.post("/v1/jobs/bulk", body);
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        String b = created.body().path("jobs").get(1).path("id").asText();

        JsonNode found = api.get("/v1/jobs?idempotency_key=file-b").body().path("jobs");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).path("id").asText()).isEqualTo(b);
        assertThat(api.get("/v1/jobs?idempotency_key=file-c").body().path("jobs"))
                .isEmpty();
        String onlyB = """
                {"jobs": [{"input": "%s", "outputs": [{"preset": "mp3"}], "idempotency_key": "file-b"}]}""".formatted(input);
        Reply again = api.post("/v1/jobs/bulk", onlyB);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("jobs").get(0).path("id").asText()).isEqualTo(b);
        Reply both = api.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs/bulk"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "k")
                        .POST(HttpRequest.BodyPublishers.ofString(onlyB)),
                onlyB.getBytes());
        assertThat(both.status()).isEqualTo(422);
        assertThat(both.body().path("field").asText()).isEqualTo("jobs[0].idempotency_key");
        api.awaitTerminal(b);
    }

    @Test
    void cloudScaling_isRefusedNamingTheField_andAProviderThisServerLacks() {
        String policy = "{\"provider\": \"local\", \"min_workers\": 0, \"max_workers\": 2, \"slots_per_worker\": 1,"
                + " \"scale_up_cooldown_seconds\": 0, \"exit_when_idle_seconds\": 60}";
        Reply lacking = api.put("/v1/clouds/scaled", "{\"scaling\": " + policy + "}");
        assertThat(lacking.status()).isEqualTo(422);
        assertThat(lacking.body().path("field").asText()).isEqualTo("scaling.provider");
        assertThat(lacking.body().path("detail").asText()).contains("not available in this orchestrator");
        Reply fractional = api.put(
                "/v1/clouds/scaled",
                "{\"scaling\": " + policy.replace("\"max_workers\": 2", "\"max_workers\": 2.5") + "}");
        assertThat(fractional.body().path("field").asText()).isEqualTo("scaling.max_workers");
        Reply bounds = api.put(
                "/v1/clouds/scaled",
                "{\"scaling\": " + policy.replace("\"min_workers\": 0", "\"min_workers\": 3") + "}");
        assertThat(bounds.body().path("detail").asText()).contains("min_workers and max_workers");
        assertThat(api.put("/v1/clouds/scaled", "{\"scaling\": {\"provider\": \"local\"}}")
                        .body()
                        .path("field")
                        .asText())
                .isEqualTo("scaling.min_workers");
        assertThat(api.get("/v1/clouds/scaled").status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void clouds_routeJobsOnlyToWorkersOfThatCloud() {
        assertThat(api.get("/v1/clouds")
                        .body()
                        .path("clouds")
                        .get(0)
                        .path("name")
                        .asText())
                .isEqualTo("default");
        Reply created = api.put("/v1/clouds/overnight", "{\"priority\": -10}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().path("priority").asInt()).isEqualTo(-10);
        assertThat(api.put("/v1/clouds/overnight", "{\"priority\": 500}")
                        .body()
                        .path("code")
                        .asText())
                .isEqualTo("invalid_request");
        assertThat(api.put("/v1/clouds/overnight", "{\"priority\": 3}").status())
                .isEqualTo(200);
        assertThat(api.get("/v1/clouds/overnight").body().path("priority").asInt())
                .isEqualTo(3);

        // this server's workers serve only the default cloud, so the job waits for an 'overnight' worker
        String id = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}], \"cloud\": \"overnight\"}"
                .formatted(uploadClip()));
        String other = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(uploadClip()));
        assertThat(api.awaitTerminal(other).path("state").asText()).isEqualTo("succeeded");
        JsonNode waiting = api.get("/v1/jobs/" + id).body();
        assertThat(waiting.path("state").asText()).isEqualTo("queued");
        assertThat(waiting.path("cloud").asText()).isEqualTo("overnight");
        assertThat(api.delete("/v1/clouds/overnight").body().path("code").asText())
                .isEqualTo("cloud_in_use");
        api.post("/v1/jobs/" + id + "/cancel", "");
        assertThat(api.delete("/v1/clouds/overnight").status()).isEqualTo(204);
        assertThat(api.get("/v1/clouds/overnight").status()).isEqualTo(404);
        assertThat(api.delete("/v1/clouds/default").body().path("code").asText())
                .isEqualTo("cloud_in_use");
    }

    @Test
    void workers_listTheInProcessWorker() {
        JsonNode workers = api.get("/v1/workers").body().path("workers");
        assertThat(workers).hasSize(1);
        assertThat(workers.get(0).path("slots").asInt()).isEqualTo(2);
        assertThat(workers.get(0).path("clouds").get(0).asText()).isEqualTo("default");
        assertThat(workers.get(0).path("encoder").asText()).isEqualTo("ffmpeg");
    }

    @Test
    void adaptiveStreaming_encryptedHlsAndDashTar_deliverEveryFileWithItsRole_andOnlyTheApiServesTheKey()
            throws Exception {
        Reply submitted = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [
                  {"preset": "hls-ladder", "name": "hls", "video_bitrate": 400, "segment_time": 1, "encryption": true,
                   "encryption_key_url": "https://keys.example.com/k/1"},
                  {"preset": "dash-ladder", "name": "dash", "video_bitrate": 400, "segment_time": 1}]}""".formatted(uploadClip()));
        assertThat(submitted.status()).isEqualTo(201);
        String id = submitted.body().path("id").asText();
        String owner = submitted.body().path("owner_token").asText();
        assertThat(owner).as("handed out once, at creation").startsWith("own_");
        JsonNode job = api.awaitTerminal(id);
        assertThat(job.path("state").asText()).as("%s", job).isEqualTo("succeeded");

        JsonNode hls = output(job, "hls");
        List<String> roles = new ArrayList<>();
        hls.path("files").forEach(f -> roles.add(f.path("role").asText()));
        assertThat(roles)
                .containsOnly("segment", "variant_playlist", "master_playlist")
                .endsWith("master_playlist");
        assertThat(roles.stream().filter("variant_playlist"::equals)).hasSizeGreaterThanOrEqualTo(2);

        URI keyUrl = URI.create(hls.path("key_url").asText());
        assertThat(api.send(HttpRequest.newBuilder(keyUrl).GET())
                        .body()
                        .path("code")
                        .asText())
                .isEqualTo("owner_token_required");
        assertThat(api.send(HttpRequest.newBuilder(keyUrl)
                                .header("Authorization", "Bearer own_someone_else")
                                .GET())
                        .status())
                .isEqualTo(403);
        Reply key = api.send(HttpRequest.newBuilder(keyUrl)
                .header("Authorization", "Bearer " + owner)
                .GET());
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.raw()).hasSize(16);
        String keyHex = HexFormat.of().formatHex(key.raw());
        assertThat(api.get("/v1/jobs/" + id).body().toString())
                .as("the job document")
                .doesNotContain(keyHex)
                .doesNotContain(owner);
        assertThat(hls.path("profile").has("encryption_key")).isFalse();
        assertThat(api.get("/v1/jobs/" + id + "/outputs/dash/key").status()).isEqualTo(404);

        JsonNode variant = StreamSupport.stream(hls.path("files").spliterator(), false)
                .filter(f -> f.path("name").asText().equals("hls-v0.m3u8"))
                .findFirst()
                .orElseThrow();
        String playlist = Files.readString(download(variant));
        java.net.http.HttpClient browser = java.net.http.HttpClient.newHttpClient();
        URI variantUrl = URI.create(variant.path("url").asText());
        var inline = browser.send(
                HttpRequest.newBuilder(variantUrl).GET().build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(inline.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
        assertThat(inline.headers().firstValue("Content-Disposition"))
                .as("a player uses the URL as it is")
                .hasValue("inline; filename=\"hls-v0.m3u8\"");
        assertThat(browser.send(
                                HttpRequest.newBuilder(URI.create(variantUrl + "?download=1"))
                                        .GET()
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding())
                        .headers()
                        .firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"hls-v0.m3u8\"");
        assertThat(playlist)
                .contains("#EXT-X-KEY:METHOD=AES-128,URI=\"https://keys.example.com/k/1\"")
                .doesNotContain(keyHex);
        String iv = playlist.replaceAll("(?s).*IV=0x([0-9a-fA-F]{32}).*", "$1");
        JsonNode segment = StreamSupport.stream(hls.path("files").spliterator(), false)
                .filter(f -> f.path("name").asText().equals("hls-v0-00000.ts"))
                .findFirst()
                .orElseThrow();
        byte[] encrypted = Files.readAllBytes(download(segment));
        // why: a ciphertext byte is 0x47 one time in 256, so one byte proves nothing; plain MPEG-TS has the sync byte
        // at every 188th byte
        assertThat(IntStream.range(0, 8).allMatch(p -> encrypted[p * 188] == 0x47))
                .as("plain MPEG-TS")
                .isFalse();
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(
                javax.crypto.Cipher.DECRYPT_MODE,
                new SecretKeySpec(key.raw(), "AES"),
                new javax.crypto.spec.IvParameterSpec(HexFormat.of().parseHex(iv)));
        byte[] plain = aes.doFinal(encrypted);
        assertThat(plain[0]).as("decrypted MPEG-TS sync byte").isEqualTo((byte) 0x47);
        assertThat(plain[188]).isEqualTo((byte) 0x47);

        List<String> encoded = new ArrayList<>();
        api.get("/v1/jobs/" + id + "/events").body().path("events").forEach(e -> {
            if (e.path("type").asText().equals("task.encoded")) {
                encoded.add(e.path("output").asText() + ": " + e.path("message").asText());
            }
        });
        assertThat(encoded)
                .as("the timeline says how each ladder was encoded")
                .anySatisfy(m -> assertThat(m)
                        .startsWith("hls: encode 4 renditions from one decode (400k 320x240, 200k")
                        .contains("package (hls)"));

        JsonNode dash = output(job, "dash");
        assertThat(dash.path("files")).hasSize(1);
        assertThat(dash.path("files").get(0).path("name").asText()).isEqualTo("dash.tar");
        assertThat(dash.path("files").get(0).path("role").asText()).isEqualTo("archive");
        Reply tar = api.send(HttpRequest.newBuilder(
                        URI.create(dash.path("files").get(0).path("url").asText()))
                .GET());
        assertThat(tar.contentType()).isEqualTo("application/x-tar");
        assertThat(new String(tar.raw(), 0, 100, java.nio.charset.StandardCharsets.US_ASCII))
                .startsWith("dash.mpd");
    }

    @Test
    void events_tellTheStoryOfAJob() {
        String id = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(uploadClip()));
        api.awaitTerminal(id);
        List<String> types = new ArrayList<>();
        JsonNode events = api.get("/v1/jobs/" + id + "/events").body().path("events");
        events.forEach(e -> types.add(e.path("type").asText()));
        assertThat(types)
                .containsSubsequence("job.created", "task.started", "task.probed", "task.succeeded", "job.succeeded");
        assertThat(events.get(1).path("output").asText()).isEqualTo("mp3");
    }

    @Test
    void list_filtersByStateAndPaginatesWithACursor() {
        String input = uploadClip();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(input)));
        }
        ids.forEach(api::awaitTerminal);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Reply r = api.get("/v1/jobs?state=succeeded&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.status()).isEqualTo(200);
            r.body().path("jobs").forEach(j -> {
                assertThat(j.path("state").asText()).isEqualTo("succeeded");
                seen.add(j.path("id").asText());
            });
            cursor = r.body().path("next_cursor").isNull()
                    ? null
                    : r.body().path("next_cursor").asText(null);
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates().containsAll(ids);
        assertThat(api.get("/v1/jobs?state=bogus").body().path("code").asText()).isEqualTo("invalid_request");
        assertThat(api.get("/v1/jobs?cursor=zzz").status()).isEqualTo(422);
    }

    @Test
    void idempotencyKey_returnsTheFirstJobInsteadOfANewOne() {
        String body = "{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(uploadClip());
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "order-77")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Reply first = api.send(req, body.getBytes());
        Reply second = api.send(req, body.getBytes());
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("id").asText())
                .isEqualTo(first.body().path("id").asText());
    }

    @Test
    void profiles_canBeStoredAndUsedByJobs() {
        Reply created = api.post("/v1/profiles", """
                {"name": "tiny-h264", "preset": "mp4-h264", "width": 160, "height": 120, "priority": "high"}""");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
        assertThat(api.post("/v1/profiles", "{\"name\": \"tiny-h264\", \"preset\": \"mp4-h264\"}")
                        .status())
                .isEqualTo(409);
        assertThat(api.post("/v1/profiles", "{\"name\": \"x\", \"preset\": \"mp4-h264\", \"width\": 7}")
                        .body()
                        .path("code")
                        .asText())
                .isEqualTo("invalid_profile");
        assertThat(api.get("/v1/profiles/tiny-h264").body().path("width").asInt())
                .isEqualTo(160);

        String id = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"tiny-h264\"}]}".formatted(uploadClip()));
        JsonNode job = api.awaitTerminal(id);
        assertThat(job.path("state").asText()).isEqualTo("succeeded");
        JsonNode f = output(job, "tiny-h264").path("files").get(0);
        assertThat(f.path("width").asInt()).isEqualTo(160);
        assertThat(f.path("height").asInt()).isEqualTo(120);

        assertThat(api.put("/v1/profiles/tiny-h264", "{\"preset\": \"mp4-h264\", \"width\": 320}")
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/v1/profiles").body().path("profiles")).isNotEmpty();
        assertThat(api.delete("/v1/profiles/tiny-h264").status()).isEqualTo(204);
        assertThat(api.get("/v1/profiles/tiny-h264").status()).isEqualTo(404);
    }

    @Test
    void webhook_isDeliveredSignedWhenTheJobFinishes() throws Exception {
        List<String[]> received = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new String[] {
                ex.getRequestHeaders().getFirst("Nommer-Signature"),
                ex.getRequestHeaders().getFirst("Nommer-Delivery"),
                new String(body)
            });
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try {
            String id = submit("""
                    {"input": "%s", "outputs": [{"preset": "mp3"}], "notify_url": "http://127.0.0.1:%d/hook"}""".formatted(uploadClip(), hook.getAddress().getPort()));
            api.awaitTerminal(id);
            Await.until("the webhook", Duration.ofSeconds(15), () -> !received.isEmpty());
            assertThat(received).hasSize(1);
            String[] r = received.get(0);
            JsonNode payload = api.mapper.readTree(r[2]);
            assertThat(payload.path("event").asText()).isEqualTo("job.succeeded");
            assertThat(payload.path("job").path("id").asText()).isEqualTo(id);
            String t = r[0].replaceAll("^t=(\\d+),v1=.*$", "$1");
            String v1 = r[0].replaceAll("^.*v1=([0-9a-f]+)$", "$1");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((r[1] + "." + t + "." + r[2]).getBytes()));
            assertThat(v1).isEqualTo(expected);
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void capabilities_reportTheFfmpegInUseAndRunnablePresets() {
        JsonNode c = api.get("/v1/capabilities").body();
        assertThat(c.path("ffmpeg").path("version").asText()).isNotBlank();
        assertThat(c.path("ffmpeg").path("path").asText()).endsWith("ffmpeg");
        // sandbox auto: bwrap where it works here, and in any case what is in effect and why
        assertThat(c.path("sandbox").path("setting").asText()).isEqualTo("auto");
        assertThat(c.path("sandbox").path("mode").asText()).isIn("bwrap", "off");
        assertThat(c.path("sandbox").path("reason").asText()).isNotBlank();
        assertThat(c.path("sandbox").path("memory_bytes").asLong()).isEqualTo(16L * 1024 * 1024 * 1024);
        assertThat(c.path("sandbox").path("cpu_seconds").asLong()).isPositive();
        assertThat(c.path("presets").path("mp4-h264").path("runnable").asBoolean())
                .isTrue();
        JsonNode presets = api.get("/v1/presets").body().path("presets");
        assertThat(presets).hasSizeGreaterThanOrEqualTo(8);
        assertThat(api.get("/v1/presets/flv-320x240")
                        .body()
                        .path("profile")
                        .path("fps")
                        .asDouble())
                .isEqualTo(25.0);
    }

    @Test
    void openapi_describesEveryRoute() {
        Reply r = api.get("/v1/openapi.yaml");
        assertThat(r.status()).isEqualTo(200);
        String doc = new String(r.raw());
        for (String route : server.routes()) {
            String[] parts = route.split(" ");
            String path = parts[1].replace("{output}", "{output}");
            assertThat(doc).as("OpenAPI document lacks %s", route).contains("\n  " + path + ":");
            String section = doc.substring(doc.indexOf("\n  " + path + ":"));
            int next = section.indexOf("\n  /", 3);
            String block = next < 0 ? section : section.substring(0, next);
            assertThat(block).as("OpenAPI document lacks %s", route).contains("\n    " + parts[0].toLowerCase() + ":");
        }
    }
}
