package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * media-nommer's client against a real server with real ffmpeg: requests carry exactly the bytes its Python 2 client
 * sends (urllib2's headers, the form content type, {@code json.dumps}'s ASCII and separators), for each preset the
 * client ships; answers, the file at {@code dest_path}, the form notifications, and the job in nommer's own API are
 * checked. Refused jobs answer 200 with {@code success: false} and a reason, and store nothing.
 */
class MediaNommerCompatTest {
    private static final String FFMPEG_NOMMER = "media_nommer.ec2nommerd.nommers.ffmpeg.FFmpegNommer";

    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient api;
    static Path media;
    static Path out;
    static HttpServer hook;
    static final List<Map<String, String>> notifications = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        media = Files.createDirectories(tmp.resolve("media"));
        out = Files.createDirectories(tmp.resolve("published"));
        Media.clip(media, "in.mp4", "320x240", 2, true, true);
        Files.writeString(media.resolve("garbage.mp4"), "this is not media at all\n".repeat(100));
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            Map<String, String> n = new LinkedHashMap<>();
            n.put("method", ex.getRequestMethod());
            n.put("content_type", ex.getRequestHeaders().getFirst("Content-Type"));
            n.put("user_agent", ex.getRequestHeaders().getFirst("User-Agent"));
            n.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII));
            notifications.add(n);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
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
                        out.toString(),
                        "allow_private_networks",
                        "true"),
                Map.of()));
        api = new ApiClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (hook != null) {
            hook.stop(0);
        }
        api.assertFollowedOpenApi();
    }

    // ------------------------------------------------------------------ media-nommer's presets, as its client has them

    /** An option pair, as a preset's Python tuple arrives: a two-element list. */
    private static List<Object> p(String name, String value) {
        return Arrays.asList(name, value);
    }

    private static Map<String, Object> twoPass(List<Object> first, List<Object> second) {
        Map<String, Object> pass2 = new LinkedHashMap<>();
        pass2.put("move_atom_to_front", true);
        pass2.put("outfile_options", second);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("nommer", FFMPEG_NOMMER);
        options.put("options", List.of(Map.of("outfile_options", first), pass2));
        return options;
    }

    /** video_basic.web_medium, video_cb.cb_low, cb_medium and cb_high: they differ in bitrates and width. */
    private static Map<String, Object> x264(String bitrate, String width, String audioBitrate) {
        String vf = "yadif,scale='" + width + ":trunc(ow/a/2)*2'";
        List<Object> common = List.of(
                p("vcodec", "libx264"),
                p("preset", "medium"),
                p("vprofile", "baseline"),
                p("b", bitrate),
                p("bufsize", bitrate),
                p("vf", vf));
        List<Object> first = new ArrayList<>(common);
        first.addAll(List.of(p("pass", "1"), p("f", "mp4"), p("keyint_min", "60"), p("g", "120"), p("an", null)));
        List<Object> second = new ArrayList<>(common);
        second.addAll(List.of(
                p("pass", "2"),
                p("acodec", "libfaac"),
                p("ab", audioBitrate),
                p("async", "480"),
                p("keyint_min", "60"),
                p("g", "120"),
                p("f", "mp4")));
        return twoPass(first, second);
    }

    /** video_android.android_low. */
    private static Map<String, Object> androidLow() {
        String vf = "yadif,scale='640:trunc(ow/a/2)*2'";
        List<Object> common = List.of(
                p("vcodec", "libx264"),
                p("preset", "medium"),
                p("vprofile", "baseline"),
                p("b", "300k"),
                p("r", "30"),
                p("vf", vf));
        List<Object> first = new ArrayList<>(common);
        first.addAll(List.of(p("pass", "1"), p("f", "mp4"), p("an", null)));
        List<Object> second = new ArrayList<>(common);
        second.addAll(List.of(
                p("pass", "2"),
                p("acodec", "libfaac"),
                p("ab", "128k"),
                p("ar", "48000"),
                p("ac", "2"),
                p("f", "mp4")));
        return twoPass(first, second);
    }

    /** The presets by name, with the picture width each makes of the 320x240 source. */
    private static final Map<String, Map<String, Object>> PRESETS = new TreeMap<>(Map.of(
            "web_medium", x264("400k", "640", "128k"),
            "android_low", androidLow(),
            "cb_low", x264("230k", "400", "96k"),
            "cb_medium", x264("921k", "640", "125k"),
            "cb_high", x264("2000k", "1280", "125k")));

    private static final Map<String, Integer> WIDTHS =
            Map.of("web_medium", 640, "android_low", 640, "cb_low", 400, "cb_medium", 640, "cb_high", 1280);

    // ------------------------------------------------------------------------------------ the client, byte for byte

    /** The body as Python 2's {@code json.dumps} writes it: ASCII only, {@code ", "} and {@code ": "}. */
    static String pythonJson(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Boolean || o instanceof Number) {
            return o.toString();
        }
        if (o instanceof Map<?, ?> m) {
            List<String> members = new ArrayList<>();
            m.forEach((k, v) -> members.add(pythonJson(k) + ": " + pythonJson(v)));
            return "{" + String.join(", ", members) + "}";
        }
        if (o instanceof List<?> l) {
            return "["
                    + String.join(
                            ", ",
                            l.stream().map(MediaNommerCompatTest::pythonJson).toList()) + "]";
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : o.toString().toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c < 0x20 || c > 0x7e ? String.format(Locale.ROOT, "\\u%04x", (int) c) : c);
            }
        }
        return s.append('"').toString();
    }

    /** A job body with the client's key order (the order differs between Pythons; feederd never minded). */
    static String job(String source, String dest, Object jobOptions, String notifyUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("notify_url", notifyUrl);
        body.put("source_path", source);
        body.put("job_options", jobOptions);
        body.put("dest_path", dest);
        return pythonJson(body);
    }

    record Answer(int status, String contentType, JsonNode json) {}

    /**
     * Sends what urllib2 sends for {@code urlopen(Request(url, body))} on Python 2.7, headers in its order, over a
     * connection of its own, and reads the answer to the end (the client asked to close).
     */
    static Answer send(String method, String path, String body) throws IOException {
        return send(server, method, path, body);
    }

    static Answer send(NommerServer to, String method, String path, String body) throws IOException {
        int port = URI.create(to.baseUrl()).getPort();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        head.append("Accept-Encoding: identity\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        if (body != null) {
            head.append("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        head.append("Connection: close\r\n");
        head.append("User-Agent: Python-urllib/2.7\r\n\r\n");
        byte[] raw;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream o = socket.getOutputStream();
            o.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            o.write(bytes);
            o.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            raw = all.toByteArray();
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim(),
                    List.of(lines[i].substring(colon + 1).trim()));
        }
        assertThat(headers).as("a plain body: urllib2 reads it as it comes").doesNotContainKey("Transfer-Encoding");
        byte[] answer = Arrays.copyOfRange(raw, end + 4, raw.length);
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("Content-Type", "application/x-www-form-urlencoded");
        api.openapi.record(
                method,
                URI.create(to.baseUrl() + path),
                sent,
                bytes,
                status,
                java.net.http.HttpHeaders.of(headers, (k, v) -> true),
                answer);
        String type = headers.containsKey("Content-Type")
                ? headers.get("Content-Type").get(0)
                : "";
        JsonNode json = type.contains("json") ? new ObjectMapper().readTree(answer) : null;
        return new Answer(status, type, json);
    }

    private static String hookUrl() {
        return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
    }

    private static List<Map<String, String>> notificationsOf(String jobId) {
        return notifications.stream()
                .filter(n -> n.get("body").startsWith("unique_id=" + jobId + "&"))
                .toList();
    }

    private static int jobCount() {
        return api.get("/v1/jobs?limit=500").body().path("jobs").size();
    }

    /** The top-level mp4 boxes in file order: {@code moov} before {@code mdat} is what move_atom_to_front asks. */
    private static List<String> topLevelBoxes(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        List<String> boxes = new ArrayList<>();
        while (b.remaining() >= 8) {
            int at = b.position();
            long size = Integer.toUnsignedLong(b.getInt());
            byte[] type = new byte[4];
            b.get(type);
            if (size == 1) {
                size = b.getLong();
            }
            boxes.add(new String(type, StandardCharsets.US_ASCII));
            if (size < 8 || at + size > b.limit()) {
                break;
            }
            b.position((int) (at + size));
        }
        return boxes;
    }

    // ------------------------------------------------------------------------------------------------------- tests

    @Test
    void everyPresetOfTheClient_encodesToDestPath_andNotifiesTheFinalStateAsAForm() throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        for (var preset : PRESETS.entrySet()) {
            String source = "file://" + media.resolve("in.mp4");
            String dest = "file://" + out.resolve(preset.getKey() + ".mp4");
            // the docs' spelling with the slash for one of them: the same call, no redirect
            String path = preset.getKey().equals("cb_low") ? "/job/submit/" : "/job/submit";
            Answer a = send("POST", path, job(source, dest, preset.getValue(), hookUrl()));
            assertThat(a.status()).as(preset.getKey()).isEqualTo(200);
            assertThat(a.json().path("success").isBoolean()).isTrue();
            assertThat(a.json().path("success").booleanValue())
                    .as("%s: %s", preset.getKey(), a.json())
                    .isTrue();
            assertThat(a.json().has("message")).isFalse();
            ids.put(preset.getKey(), a.json().path("job_id").asText());
        }
        Set<String> stepsSeen = new HashSet<>();
        for (var e : ids.entrySet()) {
            String preset = e.getKey();
            String id = e.getValue();
            Await.until("the final notification of " + preset, Duration.ofMinutes(4), () -> finalStateOf(id) != null);
            List<Map<String, String>> received = notificationsOf(id);
            for (Map<String, String> n : received) {
                assertThat(n.get("method")).isEqualTo("POST");
                assertThat(n.get("content_type")).isEqualTo("application/x-www-form-urlencoded");
                assertThat(n.get("user_agent")).isEqualTo("media-nommer feederd");
            }
            List<String> states =
                    received.stream().map(MediaNommerCompatTest::stateOf).toList();
            assertThat(List.of("DOWNLOADING", "ENCODING", "UPLOADING", "FINISHED"))
                    .as("%s: in order, each once, the final state last", preset)
                    .containsSubsequence(states)
                    .endsWith("FINISHED");
            assertThat(states).as(preset).doesNotHaveDuplicates().last().isEqualTo("FINISHED");
            assertThat(received.get(received.size() - 1).get("body"))
                    .as(preset)
                    .isEqualTo("unique_id=" + id + "&job_state=FINISHED&job_state_details=");
            stepsSeen.addAll(states);

            Path file = out.resolve(preset + ".mp4");
            assertThat(file).as("the output at exactly dest_path").exists();
            assertThat(topLevelBoxes(file)).as(preset).containsSubsequence("moov", "mdat");
            JsonNode probe = Media.probe(file);
            JsonNode video = Media.videoStream(probe);
            assertThat(video.path("codec_name").asText()).isEqualTo("h264");
            assertThat(video.path("profile").asText()).as(preset).contains("Baseline");
            assertThat(video.path("width").asInt()).as(preset).isEqualTo(WIDTHS.get(preset));
            assertThat(video.path("height").asInt()).as(preset).isEqualTo(WIDTHS.get(preset) * 3 / 4);
            JsonNode audio = Media.audioStream(probe);
            assertThat(audio.path("codec_name").asText())
                    .as("libfaac mapped to aac")
                    .isEqualTo("aac");
            if (preset.equals("android_low")) {
                assertThat(audio.path("sample_rate").asText()).isEqualTo("48000");
                assertThat(audio.path("channels").asInt()).isEqualTo(2);
                assertThat(video.path("r_frame_rate").asText()).isEqualTo("30/1");
            }

            // an ordinary nommer job too
            JsonNode view = api.get("/v1/jobs/" + id).body();
            assertThat(view.path("state").asText()).isEqualTo("succeeded");
            JsonNode output = view.path("outputs").get(0);
            assertThat(output.path("preset").asText()).isEqualTo("media-nommer");
            assertThat(output.path("files").get(0).path("uri").asText())
                    .isEqualTo(file.toUri().toString());
            String events = api.get("/v1/jobs/" + id + "/events").body().toString();
            assertThat(events).contains("-acodec libfaac runs as -acodec aac");
        }
        List<String> listed = new ArrayList<>();
        api.get("/v1/jobs?limit=500")
                .body()
                .path("jobs")
                .forEach(j -> listed.add(j.path("id").asText()));
        assertThat(listed).containsAll(ids.values());
        // why: a step still unsent when its job ends is skipped (as feederd skipped them), so one job may show none;
        // five jobs of several seconds each, relayed every second, show the steps in between
        assertThat(stepsSeen).as("the states before the final one are sent").contains("DOWNLOADING", "ENCODING");
    }

    private static String stateOf(Map<String, String> notification) {
        String body = notification.get("body");
        int at = body.indexOf("&job_state=") + "&job_state=".length();
        return body.substring(at, body.indexOf('&', at));
    }

    /** The final state notified for the job ({@code FINISHED} or {@code ERROR}), or null while there is none. */
    private static String finalStateOf(String jobId) {
        return notificationsOf(jobId).stream()
                .map(MediaNommerCompatTest::stateOf)
                .filter(s -> s.equals("FINISHED") || s.equals("ERROR"))
                .findFirst()
                .orElse(null);
    }

    @Test
    void aJobThatFails_notifiesErrorWithTheReason() throws Exception {
        Answer a = send(
                "POST",
                "/job/submit",
                job(
                        "file://" + media.resolve("garbage.mp4"),
                        "file://" + out.resolve("garbage.mp4"),
                        PRESETS.get("cb_low"),
                        hookUrl()));
        assertThat(a.json().path("success").booleanValue()).as("%s", a.json()).isTrue();
        String id = a.json().path("job_id").asText();
        Await.until("the ERROR notification", Duration.ofMinutes(2), () -> finalStateOf(id) != null);
        List<Map<String, String>> received = notificationsOf(id);
        assertThat(received.get(received.size() - 1).get("body"))
                .startsWith("unique_id=" + id + "&job_state=ERROR&job_state_details=not_media");
        assertThat(received.stream().map(MediaNommerCompatTest::stateOf))
                .as("the input is refused at the probe: nothing was encoded or uploaded")
                .isSubsetOf("DOWNLOADING", "ERROR");
    }

    @Test
    void refusedJobs_answer200WithTheReason_andStoreNothing() throws Exception {
        String source = "file://" + media.resolve("in.mp4");
        String dest = "file://" + out.resolve("refused.mp4");
        Map<String, Object> hostile = x264("400k", "640", "128k");
        @SuppressWarnings("unchecked")
        Map<String, Object> firstPass =
                new LinkedHashMap<>(((List<Map<String, Object>>) hostile.get("options")).get(0));
        List<Object> options = new ArrayList<>((List<?>) firstPass.get("outfile_options"));
        options.add(p("progress", "http://127.0.0.1:9/"));
        firstPass.put("outfile_options", options);
        hostile.put("options", List.of(firstPass, ((List<?>) hostile.get("options")).get(1)));
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("option -progress is not on the allowlist", job(source, dest, hostile, null));
        bodies.put("source_path: ", job("file:///etc/hostname", dest, PRESETS.get("web_medium"), null));
        bodies.put(
                "dest_path: ", job(source, "file://" + tmp.resolve("elsewhere.mp4"), PRESETS.get("web_medium"), null));
        bodies.put("Missing/invalid required key+val: ['job_options']", job(source, dest, null, null));
        bodies.put("the body is not valid JSON", "source_path=" + source + "&dest_path=" + dest);
        bodies.put(
                "source_path carries credentials",
                job("s3://AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG@bucket/in.mp4", dest, PRESETS.get("web_medium"), null));
        int before = jobCount();
        for (var e : bodies.entrySet()) {
            Answer a = send("POST", "/job/submit", e.getValue());
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json().path("success").isBoolean()).isTrue();
            assertThat(a.json().path("success").booleanValue()).isFalse();
            assertThat(a.json().path("message").asText()).contains(e.getKey());
            assertThat(a.json().has("job_id")).isFalse();
            assertThat(a.json().toString()).doesNotContain("wJalr");
        }
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void withKeysRequired_theRouteIsOffUnlessTurnedOn_andThenItsJobsAreTheConfiguredTenants() throws Exception {
        String body = job(
                "file://" + media.resolve("in.mp4"), "file://" + out.resolve("keyed.mp4"), PRESETS.get("cb_low"), null);
        try (KeyedServer keyed = KeyedServer.start(Files.createDirectories(tmp.resolve("keyed")), Map.of())) {
            assertThat(send(keyed.server, "POST", "/job/submit", body).status())
                    .as("not served by default where keys are required")
                    .isEqualTo(404);
        }
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(
                                "auth",
                                "keys",
                                "media_nommer_compat",
                                "on",
                                "data",
                                tmp.resolve("x").toString()),
                        Map.of()))
                .hasMessageContaining("media_nommer_tenant");
        Map<String, String> on = Map.of(
                "media_nommer_compat",
                "on",
                "media_nommer_tenant",
                "acme",
                "input_roots",
                media.toString(),
                "output_roots",
                out.toString());
        try (KeyedServer keyed = KeyedServer.start(Files.createDirectories(tmp.resolve("keyed-on")), on)) {
            Answer a = send(keyed.server, "POST", "/job/submit", body);
            assertThat(a.json().path("success").booleanValue())
                    .as("%s", a.json())
                    .isTrue();
            String id = a.json().path("job_id").asText();
            assertThat(keyed.tenant("acme").get("/v1/jobs/" + id).status()).isEqualTo(200);
            assertThat(keyed.tenant("globex").get("/v1/jobs/" + id).status()).isEqualTo(404);
            assertThat(keyed.anonymous.get("/v1/jobs/" + id).status())
                    .as("a keyless caller may submit, nothing more")
                    .isEqualTo(401);
            keyed.admin.post("/v1/jobs/" + id + "/cancel");
        }
    }

    @Test
    void otherMethods_are405() throws Exception {
        assertThat(send("GET", "/job/submit", null).status()).isEqualTo(405);
        assertThat(send("PUT", "/job/submit/", "{}").status()).isEqualTo(405);
    }
}
