package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.browser.Chromium;
import io.nommer.server.browser.DevTools;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web dashboard in a real browser: headless Chromium, driven over the DevTools protocol, shows jobs submitted
 * through the API with their progress moving, plays their outputs in the page (the browser's own video element,
 * hls.js and dash.js), cancels a running job, and asks for an API key where keys are required. A screenshot of each page is kept
 * in target/dashboard-screenshots.
 */
class DashboardTest {
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    static final Duration PAGE = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;

    static Path chromium;
    static Path media;
    static List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestMedia.requireFfmpeg();
        chromium = Chromium.require();
        media = Files.createDirectories(tmp.resolve("media"));
        Media.clip(media, "clip.mp4", "640x360", 12, true, true);
        // why: encoded with x264's slowest preset, it runs for minutes: long enough to be cancelled while it runs
        Media.clip(media, "long.mp4", "640x360", 60, true, true);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    static NommerServer server(String name, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "port", "0", "data", tmp.resolve(name).toString(), "workers", "2", "input_roots", media.toString()));
        settings.putAll(more);
        NommerServer server = NommerServer.start(ConfigLoader.load(settings, Map.of()));
        opened.add(server);
        return server;
    }

    static DevTools browser(String name) throws Exception {
        DevTools page = DevTools.start(chromium, Files.createDirectories(tmp.resolve("browser-" + name)), 1280, 860);
        opened.add(page);
        return page;
    }

    static String submit(ApiClient api, String input, String outputs) {
        return submit(api, input, outputs, "normal");
    }

    static String submit(ApiClient api, String input, String outputs, String priority) {
        Reply r = api.post("/v1/jobs", """
                {"input": "%s", "outputs": %s, "priority": "%s"}""".formatted(media.resolve(input).toUri(), outputs, priority));
        assertThat(r.status()).as("submit: %s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    static double progressShown(DevTools page, String jobId) {
        JsonNode v = page.evaluate(
                "document.querySelector('tr[data-job-id=\"" + jobId + "\"] .progress')" + "?.dataset.progress ?? '-1'");
        return Double.parseDouble(v.asText());
    }

    @Test
    void theDashboard_listsAJob_showsItsProgress_playsItsOutputs_andCancelsARunningJob() throws Exception {
        NommerServer server = server("open", Map.of());
        ApiClient api = new ApiClient(server.baseUrl());
        DevTools page = browser("open");
        // why: a slow x264 preset, so that the encode lasts long enough to be seen in progress
        String watched = submit(api, "clip.mp4", """
                [{"preset": "mp4-h264", "h264_preset": "slow"},
                 {"preset": "hls", "width": 640, "height": 360},
                 {"name": "dash", "preset": "dash-ladder", "extname": ".mpd", "renditions": 1, "video_bitrate": 500},
                 {"preset": "thumbnails", "frame_count": 2}]""");
        // queued behind the first job's outputs (low priority), then running while the first one plays
        String doomed = submit(api, "long.mp4", """
                [{"preset": "mp4-h264", "h264_preset": "veryslow"}]""", "low");

        page.navigate(server.baseUrl() + "/#/");
        page.await("document.querySelector('tr[data-job-id=\"" + watched + "\"]')", PAGE);
        List<Double> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && (seen.isEmpty() || seen.getLast() < 100)) {
            double p = progressShown(page, watched);
            if (seen.isEmpty() || p != seen.getLast()) {
                seen.add(p);
            }
            if (p > 0 && p < 100 && seen.stream().filter(v -> v > 0 && v < 100).count() == 1) {
                page.screenshot(SCREENSHOTS.resolve("jobs.png"));
            }
            Thread.sleep(200);
        }
        assertThat(seen).as("the progress the list showed").last().isEqualTo(100.0);
        assertThat(seen).as("the progress the list showed on the way").anyMatch(p -> p > 0 && p < 100);
        assertThat(seen).isSorted();
        page.await("document.querySelector('tr[data-job-id=\"" + watched + "\"] [data-state=succeeded]')", PAGE);

        page.navigate(server.baseUrl() + "/#/jobs/" + watched);
        page.await("document.querySelectorAll('[data-output] tr[data-file]').length >= 4", PAGE);
        page.evaluate("document.querySelector('[data-output=\"mp4-h264\"] button[data-action=preview]').click()");
        page.await("document.querySelector('[data-output=\"mp4-h264\"] video')?.currentTime > 1", PAGE);
        page.evaluate("document.querySelector('[data-output=\"hls\"] button[data-action=preview]').click()");
        page.await("document.querySelector('video[data-player=hls]')?.currentTime > 1", PAGE);
        page.evaluate("document.querySelector('[data-output=\"dash\"] button[data-action=preview]').click()");
        page.await("document.querySelector('video[data-player=dash]')?.currentTime > 1", PAGE);
        page.evaluate("document.querySelector('[data-output=\"thumbnails\"] button[data-action=preview]').click()");
        page.await("document.querySelector('[data-output=\"thumbnails\"] img')?.naturalWidth > 0", PAGE);
        page.screenshot(SCREENSHOTS.resolve("job.png"));

        page.navigate(server.baseUrl() + "/#/jobs/" + doomed);
        page.await("document.querySelector('[data-job-id] > .toolbar [data-state=running]')", PAGE);
        page.evaluate("document.querySelector('button[data-action=cancel]').click()");
        page.await("document.querySelector('[data-job-id] > .toolbar [data-state=cancelled]')", PAGE);
        assertThat(api.get("/v1/jobs/" + doomed).body().path("state").asText()).isEqualTo("cancelled");
        page.await("document.querySelector('button[data-action=retry]:not([disabled])')", PAGE);
        page.screenshot(SCREENSHOTS.resolve("job-cancelled.png"));

        page.navigate(server.baseUrl() + "/#/activity");
        page.await("document.querySelectorAll('.chart canvas').length === 2", PAGE);
        page.await("document.querySelector('[data-summary]')?.innerText.includes('1 cancelled')", PAGE);
        page.screenshot(SCREENSHOTS.resolve("activity.png"));

        page.navigate(server.baseUrl() + "/#/workers");
        page.await("document.querySelector('tr[data-worker] [data-load]')", PAGE);
        page.screenshot(SCREENSHOTS.resolve("workers.png"));
        api.assertFollowedOpenApi();
    }

    @Test
    void thePage_andItsAssets_areServedWithTheirTypesCachingAndContentSecurityPolicy() {
        NommerServer server = server("headers", Map.of("workers", "0"));
        ApiClient api = new ApiClient(server.baseUrl());

        Reply page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.header("Content-Security-Policy"))
                .contains("script-src 'self'")
                .doesNotContain("unsafe-inline");
        String html = new String(page.raw(), StandardCharsets.UTF_8);
        assertThat(html).doesNotContain("<script>").doesNotContain("cdn");
        Matcher script = Pattern.compile("src=\"(assets/[^\"]+\\.js)\"").matcher(html);
        assertThat(script.find()).as("the page names its script: %s", html).isTrue();

        Reply asset = api.get("/" + script.group(1));
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.contentType()).startsWith("text/javascript");
        assertThat(asset.header("Cache-Control")).contains("immutable");
        assertThat(api.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/"))
                                .header("If-None-Match", page.header("ETag")))
                        .status())
                .as("the page revalidated")
                .isEqualTo(304);
        assertThat(api.get("/assets/nothing-here.js").status()).isEqualTo(404);
        assertThat(api.get("/assets/..index.js").status()).isEqualTo(404);
        assertThat(api.get("/v1/stats/activity?minutes=0").status()).isEqualTo(422);
        assertThat(api.get("/v1/stats/activity").body().path("buckets")).hasSize(60);
        api.assertFollowedOpenApi();
    }

    @Test
    void withKeysRequired_theDashboardAsksForOne_andATenantSeesItsJobsButNotTheWorkers() throws Exception {
        ServerConfig config = ConfigLoader.load(
                Map.of(
                        "port",
                        "0",
                        "data",
                        tmp.resolve("keys").toString(),
                        "workers",
                        "0",
                        "auth",
                        "keys",
                        "input_roots",
                        media.toString()),
                Map.of());
        String tenantKey;
        try (Store store = NommerServer.openStore(config)) {
            ApiKeys keys = store.keys();
            tenantKey = keys.create("acme", Role.TENANT, null, null).token();
        }
        NommerServer server = NommerServer.start(config);
        opened.add(server);
        ApiClient acme = new ApiClient(server.baseUrl()).withKey(tenantKey);
        String queued = submit(acme, "clip.mp4", "[{\"preset\": \"mp4-h264\"}]");
        DevTools page = browser("keys");

        page.navigate(server.baseUrl() + "/#/");
        page.await("document.querySelector('form.key input[name=key]')", PAGE);
        page.screenshot(SCREENSHOTS.resolve("key-prompt.png"));
        page.evaluate("(() => { const i = document.querySelector('form.key input[name=key]');"
                + " i.value = '" + tenantKey + "'; i.dispatchEvent(new Event('input', {bubbles: true}));"
                + " document.querySelector('form.key button[type=submit]').click(); })()");
        page.await("document.querySelector('tr[data-job-id=\"" + queued + "\"] [data-state=queued]')", PAGE);
        assertThat(page.evaluate("sessionStorage.getItem('nommer.apiKey')").asText())
                .isEqualTo(tenantKey);

        assertThat(acme.get("/v1/stats/activity?minutes=5")
                        .body()
                        .path("buckets")
                        .findValues("submitted"))
                .extracting(JsonNode::asInt)
                .as("the tenant's own job, once")
                .containsOnly(0, 1)
                .contains(1);
        page.navigate(server.baseUrl() + "/#/workers");
        page.await("document.querySelector('.notice')?.innerText.includes('only an admin key')", PAGE);
        page.screenshot(SCREENSHOTS.resolve("workers-tenant.png"));
        acme.assertFollowedOpenApi();
    }
}
