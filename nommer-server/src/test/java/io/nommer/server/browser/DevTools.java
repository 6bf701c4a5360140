package io.nommer.server.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives one page of a headless Chromium through the Chrome DevTools Protocol (JSON over a WebSocket): navigate,
 * evaluate script, take screenshots. Only what the browser tests need; the browser is started by {@link Chromium}.
 */
public final class DevTools implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Chromium.Visit browser;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    private DevTools(Chromium.Visit browser, WebSocket socket) {
        this.browser = browser;
        this.socket = socket;
    }

    /**
     * Starts a headless browser on a blank page with a remote debugging port and connects to that page.
     *
     * @param dir where the browser keeps its profile and log
     */
    public static DevTools start(Path binary, Path dir, int width, int height) {
        DevTools devTools = connect(binary, dir, width, height);
        // why: a headless window's size is not its page's; the page gets exactly the size asked for
        devTools.viewport(width, height);
        return devTools;
    }

    private void viewport(int width, int height) {
        call(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    private static DevTools connect(Path binary, Path dir, int width, int height) {
        Chromium.Visit browser = Chromium.visit(
                binary,
                "about:blank",
                dir,
                List.of("--remote-debugging-port=0", "--window-size=" + width + "," + height, "--hide-scrollbars"));
        try {
            Path active = browser.profile().resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
                if (!browser.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "chromium wrote no DevToolsActivePort; its log ends:\n" + browser.logTail(20));
                }
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(active).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            String page = null;
            for (JsonNode t : targets) {
                if (t.path("type").asText().equals("page")) {
                    page = t.path("webSocketDebuggerUrl").asText();
                }
            }
            if (page == null) {
                throw new IllegalStateException("chromium has no page to drive: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(page), listener)
                    .get(30, TimeUnit.SECONDS);
            DevTools devTools = new DevTools(browser, socket);
            listener.owner = devTools;
            return devTools;
        } catch (IOException e) {
            browser.close();
            throw new UncheckedIOException(e);
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            browser.close();
            throw new IllegalStateException("cannot drive chromium: " + e, e);
        }
    }

    /** Collects a message's frames and hands each whole message to the waiting call. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();
        private volatile DevTools owner;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String whole = message.toString();
                message.setLength(0);
                try {
                    JsonNode reply = JSON.readTree(whole);
                    if (reply.has("id") && owner != null) {
                        CompletableFuture<JsonNode> call =
                                owner.calls.remove(reply.get("id").asInt());
                        if (call != null) {
                            call.complete(reply);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            socket.request(1);
            return null;
        }
    }

    /** Calls a protocol method and returns its result; fails with the browser's error. */
    public JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        calls.put(id, reply);
        ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
        request.set("params", JSON.valueToTree(params));
        try {
            socket.sendText(request.toString(), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode r = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + " failed: " + r.get("error"));
            }
            return r.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    method + " got no answer: " + e + "; browser log:\n" + browser.logTail(20), e);
        }
    }

    /** Opens {@code url} and waits until its document has loaded. */
    public void navigate(String url) {
        call("Page.navigate", Map.of("url", url));
        await(
                "document.readyState === 'complete' && location.href === " + JSON.valueToTree(url),
                Duration.ofSeconds(20));
    }

    /** The value of a script expression in the page (promises awaited); fails with the page's exception. */
    public JsonNode evaluate(String expression) {
        JsonNode r =
                call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": "
                    + r.path("exceptionDetails")
                            .path("exception")
                            .path("description")
                            .asText(r.toString()));
        }
        return r.path("result").path("value");
    }

    /** Waits until a script expression is true in the page; fails after {@code timeout} naming it. */
    public void await(String condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!evaluate("Boolean(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not reach " + condition + " within " + timeout.toSeconds()
                        + " s; it shows: "
                        + evaluate("document.body.innerText.slice(0, 2000)").asText()
                        + "\nbrowser log:\n" + browser.logTail(20));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Writes a PNG of the page as tall as its content (320 to 3000 pixels), below the fold too, to {@code file}. */
    public void screenshot(Path file) {
        int width = evaluate("window.innerWidth").asInt();
        int height = evaluate("window.innerHeight").asInt();
        // why: as tall as what the page shows, so that a short page leaves no empty screen below it
        int content = evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
                .asInt();
        viewport(width, Math.max(320, Math.min(3000, content + 24)));
        JsonNode shot;
        try {
            shot = call("Page.captureScreenshot", Map.of("format", "png"));
        } finally {
            viewport(width, height);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.abort();
        browser.close();
    }
}
