package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} against a real server with a real ffmpeg: one job that succeeds (an mp4 and thumbnails) and one
 * that fails (its input is no media), then the scrape, parsed line by line, must count them by cloud, preset and
 * state, with their bytes and CPU seconds; a second orchestrator on the same store, and a third started after the
 * second stopped, must export the same store-derived figures. Each engine runs it ({@link #store}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetricsContract {
    private Path tmp;

    private NommerServer server;
    private ApiClient api;
    private String succeeded;
    private String failed;

    /** The {@code store} setting of both orchestrators; null for SQLite in the data directory. */
    protected abstract String store();

    private Map<String, String> settings(int workers) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("port", "0");
        m.put("data", tmp.resolve("data").toString());
        m.put("workers", Integer.toString(workers));
        if (store() != null) {
            m.put("store", store());
        }
        return m;
    }

    @BeforeAll
    void runAJobThatSucceedsAndOneThatFails(@TempDir Path dir) throws Exception {
        TestMedia.requireFfmpeg();
        tmp = dir;
        server = NommerServer.start(ConfigLoader.load(settings(1), Map.of()));
        api = new ApiClient(server.baseUrl());
        String clip = api.upload(TestMedia.videoWithAudio()).body().path("uri").asText();
        String junk = api.upload("this is not a video".getBytes(StandardCharsets.UTF_8))
                .body()
                .path("uri")
                .asText();
        succeeded = submit(("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp4-h264\"}, {\"preset\": "
                        + "\"thumbnails\", \"frame_count\": 2}]}")
                .formatted(clip));
        failed = submit("{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(junk));
        assertThat(api.awaitTerminal(succeeded).path("state").asText()).isEqualTo("succeeded");
        assertThat(api.awaitTerminal(failed).path("state").asText()).isEqualTo("failed");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (api != null) {
            api.assertFollowedOpenApi();
        }
    }

    private String submit(String json) {
        Reply r = api.post("/v1/jobs", json);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    /** Every sample of a text-format scrape, by {@code name{label="value",...}} with the labels sorted. */
    static Map<String, Double> samples(String exposition) {
        Pattern line = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\d+)?");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String l : exposition.split("\n")) {
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as("an exposition line: %s", l).isTrue();
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher lm = label.matcher(m.group(2));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(2));
                }
            }
            samples.put(key(m.group(1), labels), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    static String key(String name, Map<String, String> labels) {
        StringBuilder b = new StringBuilder(name).append('{');
        new TreeMap<>(labels)
                .forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        return b.append('}').toString();
    }

    /** {@code name{labels}} from alternating label names and values. */
    static String series(String name, String... labels) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            m.put(labels[i], labels[i + 1]);
        }
        return key(name, m);
    }

    static Map<String, Double> scrape(ApiClient client) {
        Reply r = client.get("/metrics");
        assertThat(r.status()).as(new String(r.raw(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
        return samples(new String(r.raw(), StandardCharsets.UTF_8));
    }

    /** The samples whose names start with {@code prefix}. */
    private static Map<String, Double> only(Map<String, Double> samples, String... prefixes) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            for (String p : prefixes) {
                if (k.startsWith(p)) {
                    out.put(k, v);
                }
            }
        });
        return out;
    }

    /** What the store decides: every orchestrator on it exports these alike. */
    private static final String[] STORE_DERIVED = {
        "nommer_jobs_",
        "nommer_outputs_",
        "nommer_input_bytes",
        "nommer_output_bytes",
        "nommer_cpu_seconds",
        "nommer_encode_seconds",
        "nommer_queue_wait_seconds",
        "nommer_queue_tasks",
        "nommer_workers{"
    };

    @Test
    void scrape_countsJobsAndOutputs_byCloudPresetAndState_withTheirBytesAndCpuSeconds() {
        Map<String, Double> s = scrape(api);
        JsonNode job = api.get("/v1/jobs/" + succeeded).body();
        long mp4Bytes = ApiClient.output(job, "mp4-h264")
                .path("files")
                .get(0)
                .path("size")
                .asLong();

        assertThat(s.get(series("nommer_jobs_submitted_total", "cloud", "default")))
                .isEqualTo(2.0);
        assertThat(s.get(series("nommer_jobs_finished_total", "cloud", "default", "state", "succeeded")))
                .isEqualTo(1.0);
        assertThat(s.get(series("nommer_jobs_finished_total", "cloud", "default", "state", "failed")))
                .isEqualTo(1.0);
        assertThat(s.get(series("nommer_jobs_finished_total", "cloud", "default", "state", "cancelled")))
                .as("every end state is there from the start, so that its first one counts in rate() and increase()")
                .isEqualTo(0.0);
        assertThat(s.get(series(
                        "nommer_outputs_finished_total", "cloud", "default", "preset", "mp3", "state", "succeeded")))
                .isEqualTo(0.0);
        assertThat(s.get(series("nommer_outputs_submitted_total", "cloud", "default", "preset", "thumbnails")))
                .isEqualTo(1.0);
        String mp4 = "{cloud=\"default\",preset=\"mp4-h264\",state=\"succeeded\",}";
        assertThat(s.get("nommer_outputs_finished_total" + mp4)).isEqualTo(1.0);
        assertThat(s.get(series(
                        "nommer_outputs_finished_total",
                        "cloud",
                        "default",
                        "preset",
                        "thumbnails",
                        "state",
                        "succeeded")))
                .isEqualTo(1.0);
        assertThat(s.get(series(
                        "nommer_outputs_finished_total", "cloud", "default", "preset", "mp3", "state", "failed")))
                .isEqualTo(1.0);
        assertThat(s.get("nommer_output_bytes_total" + mp4)).isEqualTo((double) mp4Bytes);
        assertThat(s.get("nommer_cpu_seconds_total" + mp4)).isPositive();
        assertThat(s.get("nommer_encode_seconds_total" + mp4)).isPositive();
        assertThat(s.get(series("nommer_input_bytes_total", "cloud", "default", "state", "succeeded")))
                .isEqualTo((double) TestMedia.videoWithAudio().toFile().length());
        assertThat(s.get(series("nommer_workers", "cloud", "default"))).isEqualTo(1.0);
        assertThat(s.get(series("nommer_worker_slots", "cloud", "default"))).isEqualTo(1.0);
        assertThat(only(s, "nommer_queue_tasks{"))
                .as("nothing is queued or running, and every priority of the cloud shows it")
                .containsEntry(
                        series("nommer_queue_tasks", "cloud", "default", "priority", "high", "state", "queued"), 0.0)
                .allSatisfy((k, v) -> assertThat(v).as(k).isZero());

        // this process's own figures
        assertThat(s.get(series("nommer_claims_seconds_count"))).isPositive();
        assertThat(s.get(series(
                        "nommer_http_requests_seconds_count", "method", "POST", "route", "/v1/jobs", "status", "201")))
                .isEqualTo(2.0);
        assertThat(s.keySet())
                .as("labels name routes, never ids")
                .noneMatch(k -> k.contains(succeeded) || k.contains("upl_"));
        assertThat(s.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
        assertThat(s.keySet()).anyMatch(k -> k.startsWith("hikaricp_connections_active{"));
        assertThat(s.keySet()).anyMatch(k -> k.startsWith("nommer_webhook_deliveries_total{"));
    }

    @Test
    void anotherOrchestratorOnTheSameStore_andOneStartedAfterItStopped_exportTheSameStoreFigures() {
        Map<String, Double> first = only(scrape(api), STORE_DERIVED);
        assertThat(first).containsKey(series("nommer_jobs_submitted_total", "cloud", "default"));

        for (int restart = 0; restart < 2; restart++) {
            // why: the second orchestrator holds nothing from before; the third starts after the second stopped
            try (NommerServer other = NommerServer.start(ConfigLoader.load(settings(0), Map.of()))) {
                ApiClient client = new ApiClient(other.baseUrl());
                assertThat(only(scrape(client), STORE_DERIVED))
                        .as("orchestrator %d", restart + 2)
                        .isEqualTo(first);
                client.assertFollowedOpenApi();
            }
        }
    }

    @Test
    void openMetrics_isAnsweredWhenAskedFor() {
        Reply r = api.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0,text/plain;q=0.5")
                .GET());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(new String(r.raw(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
    }
}
