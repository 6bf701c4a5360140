package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API byte for byte: a fixed conversation with a server that runs no workers (so every job stays where the
 * conversation left it), each answer's status, content type, Location and body compared with
 * {@code src/test/resources/golden/api.txt}. Ids, times, tokens, generated key material and the port are replaced
 * by placeholders; everything else must match exactly. {@code -Dgolden.update=true} rewrites the file (review the
 * diff: a changed answer is a changed API).
 */
class ApiGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/api.txt");
    private static final int MAX_UPLOAD = 4096;

    @TempDir
    static Path tmp;

    static NommerServer server;
    static Path media;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        media = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(media.resolve("clip.mp4"), "not probed: no worker runs");
        Path out = Files.createDirectories(tmp.resolve("out"));
        server = NommerServer.start(ConfigLoader.load(
                Map.of(
                        "port",
                        "0",
                        "data",
                        tmp.resolve("data").toString(),
                        "workers",
                        "0",
                        "input_roots",
                        media.toString(),
                        "output_roots",
                        out.toString(),
                        "max_upload_bytes",
                        Integer.toString(MAX_UPLOAD)),
                Map.of()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One request of the conversation. */
    private record Exchange(String method, String path, Map<String, String> headers, byte[] body) {}

    private final List<String> transcript = new ArrayList<>();
    private final OpenApiCheck openapi = new OpenApiCheck();
    private final Map<String, String> vars = new LinkedHashMap<>();

    @Test
    void theConversation_answersExactlyAsRecorded() throws Exception {
        String clip = media.resolve("clip.mp4").toUri().toString();
        String job = "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"width\": 640, "
                + "\"height\": 360}, {\"preset\": \"thumbnails\", \"frame_count\": 3}], \"priority\": \"high\", "
                + "\"metadata\": {\"video_id\": 42, \"tags\": [\"a\", \"b\"]}, \"notify_url\": \"https://example.com/h\"}";

        // meta
        send("GET", "/v1/", null);
        send("GET", "/healthz", null);
        send("GET", "/v1/presets", null);
        send("GET", "/v1/presets/flv-320x240", null);
        send("GET", "/v1/presets/hls-ladder", null);
        send("HEAD", "/v1/presets/mp4-h264", null);
        send("GET", "/v1/presets/nope", null);
        send("GET", "/v1/nothing", null);
        send("DELETE", "/v1/jobs", null);

        // uploads
        send("POST", "/v1/uploads?filename=a.mp4", "some bytes".getBytes(StandardCharsets.UTF_8), Map.of());
        send("POST", "/v1/uploads", new byte[0], Map.of());
        send("POST", "/v1/uploads", new byte[MAX_UPLOAD + 1], Map.of());
        send("DELETE", "/v1/uploads/" + vars.get("upload"), null);
        send("DELETE", "/v1/uploads/" + vars.get("upload"), null);

        // jobs: submit, read, list, events, cancel, retry
        send("POST", "/v1/jobs", job);
        String id = vars.get("job");
        send("GET", "/v1/jobs/" + id, null);
        send("GET", "/v1/jobs/" + id + "/events", null);
        send(
                "POST",
                "/v1/jobs",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"hls-ladder\", "
                        + "\"encryption\": true, \"encryption_key_url\": \"https://keys.example.com/k\", \"renditions\": 2, "
                        + "\"video_bitrate\": 1000}, {\"preset\": \"dash-ladder\", \"name\": \"dash\", \"destination\": \""
                        + tmp.resolve("out").toUri() + "\"}]}");
        String encrypted = vars.get("job");
        send("GET", "/v1/jobs/" + encrypted + "/outputs/hls-ladder/key", null);
        send(
                "GET",
                "/v1/jobs/" + encrypted + "/outputs/hls-ladder/key",
                (String) null,
                Map.of("Authorization", "Bearer own_x"));
        send("GET", "/v1/jobs/" + encrypted + "/outputs/dash/key", null);
        send("GET", "/v1/jobs/" + encrypted + "/outputs/nope/files/x.mp4", null);
        send("GET", "/v1/jobs/" + encrypted + "/outputs/dash/files/x.mp4", null);
        send("POST", "/v1/jobs", job, Map.of("Idempotency-Key", "k-1"));
        send("POST", "/v1/jobs", job, Map.of("Idempotency-Key", "k-1"));
        // the same request with its members in another order and other spacing: still the first job
        send(
                "POST",
                "/v1/jobs",
                "{ \"priority\": \"high\", \"input\": \"" + clip + "\", \"metadata\": {\"tags\": [\"a\", \"b\"], "
                        + "\"video_id\": 42}, \"notify_url\": \"https://example.com/h\", \"outputs\": [{\"height\": 360, "
                        + "\"preset\": \"mp4-h264\", \"width\": 640}, {\"frame_count\": 3, \"preset\": \"thumbnails\"}] }",
                Map.of("Idempotency-Key", "k-1"));
        // another request under the same key: refused, not answered with the first job
        send("POST", "/v1/jobs", job.replace("\"high\"", "\"low\""), Map.of("Idempotency-Key", "k-1"));
        send("GET", "/v1/jobs?limit=2", null);
        send("GET", "/v1/jobs?state=cancelled", null);
        send("GET", "/v1/jobs?state=bogus", null);
        send("GET", "/v1/jobs?limit=0", null);
        send("GET", "/v1/jobs?limit=x", null);
        send("GET", "/v1/jobs?cursor=!!", null);
        send("GET", "/v1/jobs?created_after=yesterday", null);
        send("POST", "/v1/jobs/" + id + "/retry", null);
        send("POST", "/v1/jobs/" + id + "/cancel", null);
        send("POST", "/v1/jobs/" + id + "/cancel", null);
        send("POST", "/v1/jobs/" + id + "/retry", null);
        send("GET", "/v1/jobs/" + id + "/events", null);
        send("GET", "/v1/jobs/job_missing", null);
        send("POST", "/v1/jobs/job_missing/cancel", null);
        send("GET", "/v1/jobs/job_missing/events", null);
        send("DELETE", "/v1/jobs/" + encrypted, null);
        send("DELETE", "/v1/jobs/" + id + "?outputs=maybe", null);
        send("DELETE", "/v1/jobs/job_missing", null);
        send("POST", "/v1/jobs/" + id + "/cancel", null);
        send("DELETE", "/v1/jobs/" + id, null);
        send("GET", "/v1/jobs/" + id, null);

        // jobs: refused
        for (String bad : List.of(
                "not json",
                "[]",
                "",
                "{\"outputs\": [{\"preset\": \"mp4-h264\"}]}",
                "{\"input\": 42, \"outputs\": []}",
                "{\"input\": \"" + clip + "\", \"outputs\": \"mp4\"}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"nope\"}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [7]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"width\": 641, "
                        + "\"fps\": \"fast\", \"colour\": \"red\", \"h264_level\": 9}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"codec_options\": []}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"hls\", \"encryption\": true}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"encryption_key\": \"zz\"}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"aspect_mode\": \"wide\", "
                        + "\"priority\": \"now\", \"upscale\": 1}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], \"priority\": \"urgent\"}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], \"extra\": 1}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], \"cloud\": \"nowhere\"}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], \"metadata\": 3}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], \"notify_url\": \"ftp://x\"}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], "
                        + "\"notify_url\": \"http://169.254.169.254/latest/meta-data/\"}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}], "
                        + "\"notify_url\": \"https://user:pw@hooks.example.com/h\"}",
                "{\"input\": \"file:///etc/passwd\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}",
                "{\"input\": \"gopher://x/y\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}",
                "{\"input\": \"not a uri\", \"outputs\": [{\"preset\": \"mp4-h264\"}]}",
                "{\"input\": \"" + clip
                        + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"destination\": \"file:///etc/\"}]}",
                "{\"input\": \"" + clip
                        + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"destination\": \"file:///x\"}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\"}, {\"preset\": \"mp4-h264\", "
                        + "\"name\": \"mp4-h264\"}]}",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp4-h264\", \"name\": \"Bad Name\"}]}")) {
            send("POST", "/v1/jobs", bad);
        }
        send("POST", "/v1/jobs", job, Map.of("Content-Type", "text/plain"));
        send("POST", "/v1/jobs", job, Map.of("Idempotency-Key", "k".repeat(256)));

        // bulk
        send("POST", "/v1/jobs/bulk", "{\"jobs\": [" + job + ", " + job + "]}");
        send("POST", "/v1/jobs/bulk", "{\"jobs\": [" + job + ", " + job + "]}", Map.of("Idempotency-Key", "b"));
        send("POST", "/v1/jobs/bulk", "{\"jobs\": [" + job + ", " + job + "]}", Map.of("Idempotency-Key", "b"));
        send(
                "POST",
                "/v1/jobs/bulk",
                "{\"jobs\": [" + job + ", " + job.replace("\"high\"", "\"low\"") + "]}",
                Map.of("Idempotency-Key", "b"));
        send(
                "POST",
                "/v1/jobs/bulk",
                "{\"jobs\": [" + job + ", {\"input\": \"" + clip + "\", \"outputs\": "
                        + "[{\"preset\": \"mp4-h264\", \"width\": 3}]}]}");
        send("POST", "/v1/jobs/bulk", "{\"jobs\": []}");
        send("POST", "/v1/jobs/bulk", "{\"jobs\": 1}");
        send("POST", "/v1/jobs/bulk", "{\"jobs\": [1]}");
        send("POST", "/v1/jobs/bulk", "{\"jobz\": []}");

        // profiles
        send("GET", "/v1/profiles", null);
        send(
                "POST",
                "/v1/profiles",
                "{\"name\": \"small\", \"preset\": \"mp4-h264\", \"width\": 320, "
                        + "\"height\": 180, \"priority\": \"low\"}");
        send("POST", "/v1/profiles", "{\"name\": \"small\", \"preset\": \"mp4-h264\"}");
        send(
                "POST",
                "/v1/profiles",
                "{\"name\": \"keyed\", \"preset\": \"hls\", \"encryption\": true, "
                        + "\"encryption_key_url\": \"https://k.example.com/\", \"encryption_key\": "
                        + "\"00112233445566778899aabbccddeeff\"}");
        send("GET", "/v1/profiles/keyed", null);
        send(
                "POST",
                "/v1/profiles",
                "{\"name\": \"own\", \"kind\": \"audio\", \"format\": \"mp3\", "
                        + "\"extname\": \".mp3\", \"audio_codec\": \"libmp3lame\", \"audio_bitrate\": 96}");
        send("POST", "/v1/profiles", "{\"name\": \"mp4-h264\", \"preset\": \"mp4-h264\"}");
        send("POST", "/v1/profiles", "{\"name\": \"x\", \"preset\": \"nope\"}");
        send("POST", "/v1/profiles", "{\"name\": \"x\", \"kind\": \"video\"}");
        send("POST", "/v1/profiles", "{\"preset\": \"mp4-h264\"}");
        send("POST", "/v1/profiles", "{\"name\": \"x\", \"preset\": \"mp4-h264\", \"widht\": 3}");
        send("GET", "/v1/profiles/small", null);
        send("PUT", "/v1/profiles/small", "{\"preset\": \"mp4-h264\", \"width\": 480, \"height\": 270}");
        send("PUT", "/v1/profiles/small", "{\"name\": \"other\", \"preset\": \"mp4-h264\"}");
        send("GET", "/v1/profiles", null);
        send(
                "POST",
                "/v1/jobs",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"small\", "
                        + "\"h264_crf\": 30}, {\"preset\": \"own\"}]}");
        send("DELETE", "/v1/profiles/small", null);
        send("DELETE", "/v1/profiles/small", null);
        send("GET", "/v1/profiles/small", null);

        // clouds and workers
        send("GET", "/v1/clouds", null);
        send("PUT", "/v1/clouds/gpu", "{\"priority\": 10}");
        send("PUT", "/v1/clouds/gpu", "{\"priority\": -5}");
        send("PUT", "/v1/clouds/gpu", "{\"priority\": 101}");
        send("PUT", "/v1/clouds/gpu", "{\"priority\": \"high\"}");
        send("PUT", "/v1/clouds/gpu", "{\"weight\": 1}");
        send("PUT", "/v1/clouds/Bad%20Name", "{}");
        send("GET", "/v1/clouds/gpu", null);
        send("GET", "/v1/clouds", null);
        send(
                "POST",
                "/v1/jobs",
                "{\"input\": \"" + clip + "\", \"outputs\": [{\"preset\": \"mp3\"}], \"cloud\": \"gpu\"}");
        send("DELETE", "/v1/clouds/gpu", null);
        send("DELETE", "/v1/clouds/default", null);
        send("DELETE", "/v1/clouds/nope", null);
        send("GET", "/v1/clouds/nope", null);
        send("GET", "/v1/workers", null);

        // a request wrong in two ways is refused for the one the API checks first
        send("POST", "/v1/profiles", "{\"preset\": 5}");
        send("POST", "/v1/profiles", "{\"name\": \"keyed\", \"preset\": 5}");
        send("PUT", "/v1/profiles/x", "{\"name\": \"y\", \"preset\": 5}");
        send("PUT", "/v1/clouds/Bad%20Name", "not json");

        String actual = String.join("\n", transcript) + "\n";
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(GOLDEN));
        assertThat(openapi.violations())
                .as("requests and responses that break the OpenAPI document")
                .isEmpty();
    }

    private void send(String method, String path, String json) throws Exception {
        send(method, path, json, Map.of());
    }

    private void send(String method, String path, String json, Map<String, String> headers) throws Exception {
        Map<String, String> h = new LinkedHashMap<>();
        if (json != null) {
            h.put("Content-Type", "application/json");
        }
        h.putAll(headers);
        send(method, path, json == null ? null : json.getBytes(StandardCharsets.UTF_8), h);
    }

    private void send(String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpRequest request = b.build();
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        openapi.record(method, request.uri(), headers, body, r.statusCode(), r.headers(), r.body());
        String text = new String(r.body(), StandardCharsets.UTF_8);
        Matcher created = Pattern.compile("^\\{\"id\":\"(job_[0-9a-z]{26})\"").matcher(text);
        if (created.find()) {
            vars.put("job", created.group(1));
        }
        Matcher uploaded = Pattern.compile("^\\{\"id\":\"(upl_[0-9a-z]{26})\"").matcher(text);
        if (uploaded.find()) {
            vars.put("upload", uploaded.group(1));
        }
        StringBuilder t = new StringBuilder();
        t.append("> ").append(method).append(' ').append(normalize(path)).append('\n');
        for (Map.Entry<String, String> e : headers.entrySet()) {
            t.append("> ")
                    .append(e.getKey())
                    .append(": ")
                    .append(abbreviate(e.getValue()))
                    .append('\n');
        }
        if (body != null) {
            String shown = normalize(new String(body, StandardCharsets.UTF_8));
            t.append("> ")
                    .append(shown.length() > 200 ? shown.length() + " characters" : shown)
                    .append('\n');
        }
        t.append("< ").append(r.statusCode()).append('\n');
        for (String name : List.of("Content-Type", "Location", "Content-Length", "Cache-Control")) {
            if (name.equals("Content-Length") && !method.equals("HEAD")) {
                continue;
            }
            r.headers()
                    .firstValue(name)
                    .ifPresent(v -> t.append("< ")
                            .append(name)
                            .append(": ")
                            .append(normalize(v))
                            .append('\n'));
        }
        if (!text.isEmpty()) {
            t.append("< ").append(normalize(text)).append('\n');
        }
        transcript.add(t.toString());
    }

    private static String abbreviate(String v) {
        return v.length() > 40 ? v.substring(0, 10) + "...(" + v.length() + ")" : v;
    }

    /** Replaces what differs from run to run. */
    private String normalize(String s) {
        s = s.replace(server.baseUrl(), "http://HOST");
        s = s.replace(tmp.toUri().toString(), "file:///TMP/").replace(tmp.toString(), "/TMP");
        s = s.replaceAll("job_[0-9a-z]{26}", "job_ID");
        // the default stack is named after this machine's ffmpeg version
        s = s.replaceAll("((?:\"|_)stack\":\")ffmpeg-[^\"]+", "$1DEFAULT_STACK");
        s = s.replaceAll("upl_[0-9a-z]{26}", "upl_ID");
        s = s.replaceAll("own_[A-Za-z0-9_-]{43}", "own_TOKEN");
        s = s.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME");
        s = s.replaceAll("(\"encryption_iv\":\")[0-9a-f]{32}", "$1IV");
        s = s.replaceAll("(\"(?:next_)?cursor\":\")[A-Za-z0-9_-]+", "$1CURSOR");
        return s;
    }
}
