package io.nommer.server.players;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.server.browser.Chromium;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * nommer's streaming outputs in real players: headless Chromium runs hls.js, dash.js (with its Smooth Streaming
 * plugin), Shaka Player and Chromium's own HLS playback on a test page (src/test/players/player.html), which starts
 * playback, checks that currentTime advances, forces the lowest and the highest rung (checked by the picture height
 * the video element reports), plays to the end and posts what happened back to this test.
 *
 * <p>The outputs come from a real nommer ({@link StreamingOutputs}). The page, the players and the output files are
 * served by a test server on one origin; the AES-128 key by a test key server on another, as a key server would be;
 * Smooth Streaming by a strict IIS-like origin ({@link SmoothOrigin}); and some scenarios play straight from nommer's
 * API on a third origin, through its CORS support.
 */
class BrowserPlayersTest {
    /** Longer than the page's own step timeouts add up to on any run that fails at one step. */
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Non-fatal hls.js "errors" that are routine: {@code bufferStalledError}, {@code bufferSeekOverHole} and
     * {@code bufferAppendNoProgress} are its nudges over small gaps and stalls, which a reference stream made by
     * ffmpeg's own hls muxer from the same clip (with B-frames or without) raises too in this browser at the start of
     * playback; {@code aborted} reports a load hls.js cancelled itself, as it does when this test forces a level. Any
     * other error, and any fatal one, fails the scenario.
     */
    private static final Set<String> HLSJS_ROUTINE =
            Set.of("bufferStalledError", "bufferSeekOverHole", "bufferAppendNoProgress", "aborted");

    @TempDir
    static Path work;

    static Path chromium;
    static RequestLog log;
    static LocalServer page;
    static LocalServer keys;
    static ResultInbox inbox;
    static StreamingOutputs outputs;
    static final List<String> summary = new ArrayList<>();
    static final AtomicInteger runs = new AtomicInteger();

    /** Who plays what from where; {@code format} is hls, dash or smooth. */
    record Scenario(String player, String output, String format, boolean fromApi) {
        List<Integer> heights() {
            if (player.equals("native")) {
                return List.of();
            }
            return output.equals("hls") ? StreamingOutputs.SINGLE_HEIGHT : StreamingOutputs.LADDER_HEIGHTS;
        }

        /** The steps the page must get through; it forces lowest and highest in either order (see player.js). */
        List<String> steps() {
            return player.equals("native")
                    ? List.of("loaded", "playing", "advanced", "ended")
                    : List.of("loaded", "playing", "advanced", "lowest", "highest", "ended");
        }

        @Override
        public String toString() {
            return player + " plays " + output + (fromApi ? " from nommer's API on another origin (signed URL)" : "");
        }
    }

    static Stream<Scenario> scenarios() {
        List<Scenario> s = new ArrayList<>();
        for (String output : List.of("hls", "hls-ladder", "hls-ladder-aes")) {
            for (String player : List.of("hlsjs", "shaka", "native")) {
                s.add(new Scenario(player, output, "hls", false));
            }
        }
        for (String output : List.of("dash-mpd", "dash-tar")) {
            for (String player : List.of("dashjs", "shaka")) {
                s.add(new Scenario(player, output, "dash", false));
            }
        }
        // why: only dash.js: Shaka Player 5 has no Smooth Streaming (removed in 5.0, shaka-player pull request 9329)
        for (String output : List.of("hss-ism", "hss-tar")) {
            s.add(new Scenario("dashjs-mss", output, "smooth", false));
        }
        for (String player : List.of("hlsjs", "shaka", "native")) {
            s.add(new Scenario(player, "hls-ladder", "hls", true));
        }
        for (String player : List.of("dashjs", "shaka")) {
            s.add(new Scenario(player, "dash-mpd", "dash", true));
        }
        return s.stream();
    }

    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.require();
        PlayerFiles.require();
        log = new RequestLog();
        page = LocalServer.start("page", log);
        keys = LocalServer.start("keys", log);
        Path keyDir = Files.createDirectories(work.resolve("keys"));
        keys.route("/keys/", new StaticFiles("/keys/", keyDir, true));
        outputs = StreamingOutputs.encode(work, page.origin(), keys.origin() + "/keys/hls-ladder-aes.key");
        summary.add(String.format(
                Locale.ROOT,
                "encoding every output (job %s): %d ms",
                outputs.jobId(),
                outputs.took().toMillis()));
        if (outputs.problem("hls-ladder-aes") == null) {
            Files.write(keyDir.resolve("hls-ladder-aes.key"), outputs.key("hls-ladder-aes"));
        }

        inbox = new ResultInbox();
        page.route("/result", inbox);
        page.route("/", new StaticFiles("/", PlayerFiles.PAGE, false));
        page.route("/node_modules/", new StaticFiles("/node_modules/", PlayerFiles.NODE_MODULES, false));
        for (String output : List.of("hls", "hls-ladder", "hls-ladder-aes", "dash-mpd", "dash-tar")) {
            if (outputs.problem(output) == null) {
                String prefix = "/media/" + output + "/";
                page.route(prefix, new StaticFiles(prefix, outputs.directory(output), false));
            }
        }
        for (String output : List.of("hss-ism", "hss-tar")) {
            if (outputs.problem(output) == null) {
                String prefix = "/smooth/" + output + "/";
                Path ism = outputs.directory(output).resolve(outputs.manifest(output, ".ism"));
                page.route(prefix, new SmoothOrigin(prefix, ism));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (outputs != null) {
            outputs.close();
        }
        if (page != null) {
            page.close();
        }
        if (keys != null) {
            keys.close();
        }
        // why: the run times and every scenario's outcome in one place, in the test's output file
        System.out.println(String.join("\n", summary));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void playerStartsAdvancesSwitchesToLowestAndHighestRungAndEnds_withoutErrors(Scenario scenario) throws Exception {
        String problem = outputs.problem(scenario.output());
        if (problem != null) {
            summary.add(scenario + ": FAIL (not encoded)");
            fail(problem);
        }
        String id = "run-" + runs.incrementAndGet();
        String url = page.origin() + "/player.html?id=" + id + "&player=" + scenario.player() + "&src="
                + URLEncoder.encode(source(scenario), StandardCharsets.UTF_8) + "&heights="
                + scenario.heights().stream().map(String::valueOf).collect(Collectors.joining(",")) + "&seconds="
                + StreamingOutputs.SECONDS;
        int mark = log.mark();
        CompletableFuture<PlayResult> result = inbox.expect(id);
        long start = System.nanoTime();
        PlayResult r;
        String browserLog;
        try (Chromium.Visit browser = Chromium.visit(chromium, url, Files.createTempDirectory(work, id))) {
            r = await(result, browser);
            browserLog = browser.logTail(400);
        }
        long took = (System.nanoTime() - start) / 1_000_000;

        List<JsonNode> errors = r == null
                ? List.of()
                : r.errors().stream().filter(e -> !routine(scenario, e)).toList();
        boolean passed = r != null && r.failure() == null && errors.isEmpty() && ranEveryStep(scenario, r);
        summary.add(String.format(
                Locale.ROOT,
                "%-72s %s %5d ms (page %s)  %s",
                scenario,
                passed ? "PASS" : "FAIL",
                took,
                r == null
                        ? "-"
                        : r.steps().stream()
                                .map(st -> st.step() + " " + st.ms())
                                .toList(),
                r == null ? "no result" : r.failure() != null ? r.failure() : errors.isEmpty() ? "" : errors));
        if (!passed) {
            fail(report(scenario, url, r, errors, log.since(mark), browserLog));
        }
        assertThat(r.playerVersion()).as("the player version the page ran").isNotBlank();
    }

    /** Where the scenario's player loads its manifest from. */
    private static String source(Scenario s) {
        String extension = switch (s.format()) {
            case "hls" -> ".m3u8";
            case "dash" -> ".mpd";
            default -> ".ism";
        };
        String manifest = outputs.manifest(s.output(), extension);
        if (s.fromApi()) {
            return outputs.apiUrl(s.output(), manifest);
        }
        if (s.format().equals("smooth")) {
            return page.origin() + "/smooth/" + s.output() + "/" + manifest + "/Manifest";
        }
        return page.origin() + "/media/" + s.output() + "/" + manifest;
    }

    /** The page's result, or null if the browser died or the page never answered. */
    private static PlayResult await(CompletableFuture<PlayResult> result, Chromium.Visit browser)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (!browser.isAlive()) {
                    return result.getNow(null);
                }
            }
        }
        return null;
    }

    private static boolean ranEveryStep(Scenario s, PlayResult r) {
        List<String> ran = r.steps().stream().map(PlayResult.Step::step).toList();
        return ran.size() == s.steps().size() && ran.containsAll(s.steps());
    }

    private static boolean routine(Scenario s, JsonNode error) {
        return s.player().equals("hlsjs")
                && !error.path("fatal").asBoolean()
                && HLSJS_ROUTINE.contains(error.path("details").asText());
    }

    private static String report(
            Scenario s,
            String url,
            PlayResult r,
            List<JsonNode> errors,
            List<RequestLog.Entry> requests,
            String browserLog) {
        StringBuilder b = new StringBuilder(s.toString()).append(": ");
        if (r == null) {
            b.append("the page posted no result within ")
                    .append(RESULT_TIMEOUT.toSeconds())
                    .append(" s");
        } else if (r.failure() != null) {
            b.append(r.failure());
        } else if (!errors.isEmpty()) {
            b.append("the player reported ").append(errors.size()).append(" error(s)");
        } else {
            b.append("the page ran steps ")
                    .append(r.steps().stream().map(PlayResult.Step::step).toList())
                    .append(", expected ")
                    .append(s.steps());
        }
        b.append("\n  page: ").append(url);
        if (r != null) {
            b.append("\n  player: ").append(r.player()).append(' ').append(r.playerVersion());
            b.append("\n  source: ").append(r.src());
            for (PlayResult.Step step : r.steps()) {
                b.append("\n  step ")
                        .append(step.step())
                        .append(" at ")
                        .append(step.ms())
                        .append(" ms: ")
                        .append(step.detail());
            }
            for (JsonNode e : r.errors()) {
                b.append("\n  player error: ").append(e);
            }
            b.append("\n  media element at the end: ").append(r.state());
        }
        List<RequestLog.Entry> refused =
                requests.stream().filter(e -> e.status() >= 400).toList();
        b.append("\n  requests the test servers refused: ").append(refused.isEmpty() ? "none" : "");
        refused.stream().limit(20).forEach(e -> b.append("\n    ").append(e));
        b.append("\n  last requests the test servers answered (of ")
                .append(requests.size())
                .append("):");
        requests.subList(Math.max(0, requests.size() - 8), requests.size())
                .forEach(e -> b.append("\n    ").append(e));
        // why: the page's console, and Chromium's own media pipeline, which says why a <video> gave up
        List<String> console = browserLog
                .lines()
                .filter(l -> l.contains("CONSOLE") || l.contains("media/filters") || l.contains("PipelineStatus"))
                .toList();
        b.append("\n  browser log (console and media pipeline, last lines):");
        console.subList(Math.max(0, console.size() - 15), console.size())
                .forEach(l -> b.append("\n    ").append(l));
        return b.toString();
    }
}
