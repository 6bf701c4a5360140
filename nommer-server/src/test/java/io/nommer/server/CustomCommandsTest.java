package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stored profiles with their own ffmpeg command, as a user of the API meets them: stored (or refused with
 * {@code command_not_allowed}), named by jobs, run by the workers with real ffmpeg, and their files checked with
 * ffprobe. The whole catalogue of hostile commands is in nommer-core's {@code CustomCommandTest}; here a few go
 * through the API to show the refusal a user gets.
 */
class CustomCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient api;
    static String input;

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        Path clip = Media.clip(Files.createDirectories(tmp.resolve("media")), "clip.mp4", "320x240", 3, true, true);
        server = NommerServer.start(ConfigLoader.load(
                Map.of("port", "0", "data", tmp.resolve("data").toString(), "workers", "2"), Map.of()));
        api = new ApiClient(server.baseUrl());
        Reply r = api.upload(clip);
        assertThat(r.status()).isEqualTo(201);
        input = r.body().path("uri").asText();
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

    /** Stores profile {@code name} with {@code fields} (a JSON object's members) and {@code command}. */
    private static Reply store(String name, String fields, String command) {
        try {
            return api.post(
                    "/v1/profiles",
                    "{\"name\": \"" + name + "\", " + fields + (fields.isEmpty() ? "" : ", ") + "\"command\": "
                            + JSON.writeValueAsString(command) + "}");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode output(JsonNode job, String name) {
        return ApiClient.output(job, name);
    }

    private static Path download(JsonNode file) throws Exception {
        return api.download(file, tmp);
    }

    private static List<String> names(JsonNode files) {
        List<String> names = new ArrayList<>();
        files.forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    @Test
    void commandsOfEveryKindPandaUsersWrote_encodeEndToEnd() throws Exception {
        assertThat(store(
                                "x264-custom",
                                "\"extname\": \".mp4\", \"video_bitrate\": 600, \"audio_bitrate\": 96",
                                "ffmpeg -i $input_file$ -c:v libx264 -preset veryfast -profile:v main -b:v"
                                        + " $video_bitrate$k -maxrate 800k -bufsize 1200k"
                                        + " -x264-params keyint=30:min-keyint=30:scenecut=0 -c:a aac -b:a"
                                        + " $audio_bitrate$k -movflags +faststart -metadata comment=$record_id$"
                                        + " $output_file$")
                        .status())
                .isEqualTo(201);
        assertThat(store(
                                "filter-chain",
                                "\"extname\": \".mp4\", \"width\": 160, \"height\": 120, \"fps\": 15",
                                "ffmpeg -i $input_file$ -vf \"$filters$\" -r $fps$ -c:v mpeg4 -q:v 4 -an $output_file$\n")
                        .status())
                .isEqualTo(201);
        // a filter chain of the user's own, quoted as in a shell
        assertThat(store(
                                "own-filters",
                                "\"extname\": \".webm\", \"width\": 200",
                                "ffmpeg -i $input_file$ -vf 'scale=$width$:-2,unsharp=5:5:1.0,fade=t=in:st=0:d=1'"
                                        + " -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -c:a libopus"
                                        + " $output_file$")
                        .status())
                .isEqualTo(201);
        assertThat(store(
                                "two-pass",
                                "\"extname\": \".mp4\", \"video_bitrate\": 300",
                                "ffmpeg -i $input_file$ -c:v libx264 -preset veryfast -b:v $video_bitrate$k -pass 1"
                                        + " -an -f null /dev/null\n"
                                        + "ffmpeg -i $input_file$ -c:v libx264 -preset veryfast -b:v $video_bitrate$k"
                                        + " -pass 2 -c:a aac $output_file$")
                        .status())
                .isEqualTo(201);
        assertThat(store(
                                "hls-1s",
                                "\"extname\": \".m3u8\"",
                                "ffmpeg -i $input_file$ -c:v libx264 -preset veryfast -g 30 -sc_threshold 0 -c:a aac"
                                        + " -f hls -hls_time 1 -hls_playlist_type vod"
                                        + " -hls_segment_filename 'seg_%03d.ts' $output_file$")
                        .status())
                .isEqualTo(201);
        // a middle file a second line reads: private to the task, never published
        assertThat(store(
                                "middle-then-segments",
                                "\"extname\": \".csv\"",
                                "ffmpeg -i $input_file$ -c:v libx264 -preset ultrafast -g 30 -c:a aac middle.mp4\n"
                                        + "ffmpeg -i middle.mp4 -c copy -f segment -segment_time 1 -segment_list"
                                        + " $output_file$ 'part%03d.ts'")
                        .status())
                .isEqualTo(201);

        Reply submitted = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "x264-custom"}, {"preset": "filter-chain"},
                  {"preset": "own-filters"}, {"preset": "two-pass"}, {"preset": "hls-1s"},
                  {"preset": "middle-then-segments"}]}""".formatted(input));
        assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
        String id = submitted.body().path("id").asText();
        JsonNode job = api.awaitTerminal(id);
        assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");

        JsonNode x264 =
                Media.probe(download(output(job, "x264-custom").path("files").get(0)));
        assertThat(Media.videoStream(x264).path("codec_name").asText()).isEqualTo("h264");
        assertThat(Media.videoStream(x264).path("profile").asText()).isEqualTo("Main");
        assertThat(Media.audioStream(x264).path("codec_name").asText()).isEqualTo("aac");
        assertThat(x264.path("format").path("tags").path("comment").asText()).isEqualTo(id);

        JsonNode chain =
                Media.probe(download(output(job, "filter-chain").path("files").get(0)));
        assertThat(Media.videoStream(chain).path("codec_name").asText()).isEqualTo("mpeg4");
        assertThat(Media.videoStream(chain).path("width").asInt()).isEqualTo(160);
        assertThat(Media.videoStream(chain).path("height").asInt()).isEqualTo(120);
        assertThat(Media.videoStream(chain).path("avg_frame_rate").asText()).isEqualTo("15/1");
        assertThat(chain.path("streams")).hasSize(1);

        JsonNode webm =
                Media.probe(download(output(job, "own-filters").path("files").get(0)));
        assertThat(Media.videoStream(webm).path("codec_name").asText()).isEqualTo("vp9");
        assertThat(Media.videoStream(webm).path("width").asInt()).isEqualTo(200);
        assertThat(Media.audioStream(webm).path("codec_name").asText()).isEqualTo("opus");

        JsonNode twoPass = output(job, "two-pass").path("files");
        assertThat(names(twoPass)).as("the pass logs stay private").containsExactly("two-pass.mp4");
        JsonNode twoPassProbe = Media.probe(download(twoPass.get(0)));
        assertThat(Media.videoStream(twoPassProbe).path("codec_name").asText()).isEqualTo("h264");
        assertThat(twoPassProbe.path("format").path("duration").asDouble()).isCloseTo(3.0, within(0.2));

        JsonNode hls = output(job, "hls-1s").path("files");
        List<String> hlsNames = names(hls);
        assertThat(hlsNames.getLast())
                .as("the playlist comes after its segments")
                .isEqualTo("hls-1s.m3u8");
        assertThat(hlsNames.subList(0, hlsNames.size() - 1)).allMatch(n -> n.matches("seg_\\d{3}\\.ts"));
        assertThat(hlsNames).hasSizeGreaterThanOrEqualTo(4);
        assertThat(hls.get(hls.size() - 1).path("role").asText()).isEqualTo("master_playlist");
        assertThat(hls.get(0).path("role").asText()).isEqualTo("segment");
        String playlist = Files.readString(download(hls.get(hls.size() - 1)));
        assertThat(playlist).contains("#EXT-X-TARGETDURATION:1", "seg_000.ts", "#EXT-X-ENDLIST");

        JsonNode segments = output(job, "middle-then-segments").path("files");
        assertThat(names(segments)).doesNotContain("middle.mp4").contains("middle-then-segments.csv", "part000.ts");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ffmpeg -i $input_file$ -vf movie=/etc/passwd $output_file$",
                "ffmpeg -i $input_file$ -progress http://169.254.169.254/ $output_file$",
                "ffmpeg -i http://10.0.0.1/secret $output_file$",
                "ffmpeg -f lavfi -i movie=/etc/passwd $output_file$",
                "ffmpeg -i $input_file$ -c copy /tmp/stolen.mp4",
                "ffmpeg -i $input_file$ -dump_attachment:t:0 /etc/cron.d/x $output_file$",
                "sh -c 'cat /etc/passwd'"
            })
    void hostileCommands_areRefusedWhenStored_namingTheLineAndToken(String command) {
        Reply r = store("hostile", "\"extname\": \".mp4\"", "ffmpeg -i $input_file$ -c copy $output_file$\n" + command);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().path("code").asText()).isEqualTo("command_not_allowed");
        assertThat(r.body().path("field").asText()).isEqualTo("command");
        assertThat(r.body().path("detail").asText()).startsWith("line 2, '");
        assertThat(api.get("/v1/profiles/hostile").status()).isEqualTo(404);
    }

    @Test
    void aCommand_isOnlyAcceptedInAStoredProfile_withoutPresetOrEncodingFields() {
        Reply inline = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "mp4-h264",
                  "command": "ffmpeg -i $input_file$ $output_file$"}]}""".formatted(input));
        assertThat(inline.status()).isEqualTo(422);
        assertThat(inline.body().path("code").asText()).isEqualTo("command_not_allowed");
        assertThat(inline.body().path("field").asText()).isEqualTo("outputs[0].command");

        Reply withPreset = store("on-preset", "\"preset\": \"mp4-h264\"", "ffmpeg -i $input_file$ $output_file$");
        assertThat(withPreset.status()).isEqualTo(422);
        assertThat(withPreset.body().path("code").asText()).isEqualTo("invalid_profile");
        assertThat(withPreset.body().path("field").asText()).isEqualTo("preset");

        Reply withCodec = store(
                "with-codec",
                "\"extname\": \".mp4\", \"video_codec\": \"libx264\"",
                "ffmpeg -i $input_file$ $output_file$");
        assertThat(withCodec.status()).isEqualTo(422);
        assertThat(withCodec.body().path("field").asText()).isEqualTo("video_codec");

        Reply noExtname = store("no-ext", "", "ffmpeg -i $input_file$ $output_file$");
        assertThat(noExtname.status()).isEqualTo(422);
        assertThat(noExtname.body().path("field").asText()).isEqualTo("extname");

        Reply missingValue =
                store("no-width", "\"extname\": \".mp4\"", "ffmpeg -i $input_file$ -vf scale=$width$:-2 $output_file$");
        assertThat(missingValue.status()).isEqualTo(422);
        assertThat(missingValue.body().path("code").asText()).isEqualTo("command_not_allowed");
        assertThat(missingValue.body().path("detail").asText()).contains("$width$");
    }

    @Test
    void aJobsOverrides_fillTheTokens_andAreCheckedToo() throws Exception {
        assertThat(store(
                                "sized",
                                "\"extname\": \".mp4\", \"width\": 160, \"height\": 120",
                                "ffmpeg -i $input_file$ -vf scale=$width$:$height$ -c:v mpeg4 -an $output_file$")
                        .status())
                .isEqualTo(201);

        Reply bad = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "sized", "video_codec": "libx264"}]}""".formatted(input));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().path("field").asText()).isEqualTo("outputs[0].video_codec");

        Reply ok = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "sized", "width": 96, "height": 64}]}""".formatted(input));
        assertThat(ok.status()).as("%s", ok.body()).isEqualTo(201);
        JsonNode job = api.awaitTerminal(ok.body().path("id").asText());
        assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
        JsonNode made = Media.videoStream(
                Media.probe(download(output(job, "sized").path("files").get(0))));
        assertThat(made.path("width").asInt()).isEqualTo(96);
        assertThat(made.path("height").asInt()).isEqualTo(64);
    }

    @Test
    void aCommandPinnedToAStack_runsWithIt_andTheOutputRecordsItsTools() throws Exception {
        String stack = api.get("/v1/stacks").body().path("default_stack").asText();
        assertThat(store(
                                "pinned",
                                "\"extname\": \".mp4\", \"stack\": \"" + stack + "\"",
                                "ffmpeg -i $input_file$ -c:v mpeg4 -an $output_file$")
                        .status())
                .isEqualTo(201);

        Reply submitted = api.post("/v1/jobs", """
                {"input": "%s", "outputs": [{"preset": "pinned"}]}""".formatted(input));
        assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
        JsonNode job = api.awaitTerminal(submitted.body().path("id").asText());

        assertThat(job.path("state").asText()).as("job %s", job).isEqualTo("succeeded");
        JsonNode out = output(job, "pinned");
        assertThat(out.path("profile").path("stack").asText()).isEqualTo(stack);
        assertThat(out.path("tools").path("ffmpeg").asText()).isNotBlank();
    }

    @Test
    void theAllowlist_isPublished() {
        Reply r = api.get("/v1/command-allowlist");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("tokens").has("$input_file$")).isTrue();
        assertThat(r.body().path("tokens").has("$video_bitrate$")).isTrue();
        assertThat(r.body().path("options").path("-b").asText()).isNotEmpty();
        assertThat(r.body().path("options").has("-progress")).isFalse();
        assertThat(r.body().path("encoders").toString()).contains("libx264");
        assertThat(r.body().path("filters").toString()).contains("scale").doesNotContain("\"movie\"");
    }
}
