package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * The Java client for nommer's HTTP API, as any application would use it. Errors come back as {@link ApiError} with
 * the server's problem {@code code}.
 */
public final class NommerClient {
    private final URI base;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    /** A problem document returned by the server. */
    public static final class ApiError extends IOException {
        private final int status;
        private final String code;

        ApiError(int status, String code, String detail) {
            super(detail + " (HTTP " + status + (code == null ? "" : ", " + code) + ")");
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /** Nothing answered at the service's address: no connection could be made. */
    public static final class Unreachable extends IOException {
        Unreachable(URI base, Throwable cause) {
            super("cannot reach the nommer server at " + base + " (is `nommer serve` running there?)", cause);
        }
    }

    private final String apiKey;

    public NommerClient(URI base) {
        this(base, null);
    }

    /** @param apiKey sent as {@code Authorization: Bearer} with every request; null to send none */
    public NommerClient(URI base, String apiKey) {
        this.apiKey = apiKey;
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The service's base URI, without a trailing slash. */
    public URI baseUri() {
        return base;
    }

    /** Uploads a local file; returns the server's JSON ({@code id}, {@code uri}, {@code size}). */
    public JsonNode upload(Path file) throws IOException, InterruptedException {
        return upload(file, sent -> {});
    }

    /**
     * Uploads a local file, telling {@code progress} how many bytes have gone to the connection so far (from the
     * client's threads); returns the server's JSON ({@code id}, {@code uri}, {@code size}).
     */
    public JsonNode upload(Path file, LongConsumer progress) throws IOException, InterruptedException {
        String name = URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofFile(file);
        HttpRequest req = request("/v1/uploads?filename=" + name)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(counted(bytes, progress), bytes.contentLength()))
                .build();
        return send(req);
    }

    private static Flow.Publisher<ByteBuffer> counted(Flow.Publisher<ByteBuffer> bytes, LongConsumer progress) {
        return downstream -> bytes.subscribe(new Flow.Subscriber<>() {
            private long sent;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                downstream.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                sent += item.remaining();
                downstream.onNext(item);
                progress.accept(sent);
            }

            @Override
            public void onError(Throwable failure) {
                downstream.onError(failure);
            }

            @Override
            public void onComplete() {
                downstream.onComplete();
            }
        });
    }

    public JsonNode submit(JsonNode job) throws IOException, InterruptedException {
        return post("/v1/jobs", job);
    }

    /** Submits up to 1000 jobs in one request (all or none); returns {@code {"jobs": [...]}} in the same order. */
    public JsonNode submitBulk(List<? extends JsonNode> jobs) throws IOException, InterruptedException {
        ObjectNode body = mapper.createObjectNode();
        body.putArray("jobs").addAll(jobs);
        return post("/v1/jobs/bulk", body);
    }

    public JsonNode post(String path, JsonNode json) throws IOException, InterruptedException {
        return sendJson("POST", path, json);
    }

    /** Creates or replaces what {@code path} names (a cloud, a stored profile); answers it. */
    public JsonNode put(String path, JsonNode json) throws IOException, InterruptedException {
        return sendJson("PUT", path, json);
    }

    private JsonNode sendJson(String method, String path, JsonNode json) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(json)))
                .build());
    }

    public JsonNode job(String id) throws IOException, InterruptedException {
        return get("/v1/jobs/" + segment(id));
    }

    /** Cancels a queued or running job; answers the job. */
    public JsonNode cancel(String id) throws IOException, InterruptedException {
        return post("/v1/jobs/" + segment(id) + "/cancel");
    }

    /** Runs a finished job's failed and cancelled outputs again; answers the job. */
    public JsonNode retry(String id) throws IOException, InterruptedException {
        return post("/v1/jobs/" + segment(id) + "/retry");
    }

    /** @param path from the API's root, such as {@code /v1/presets}, with its query if any */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    public JsonNode post(String path) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** One path segment, escaped. */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // why: appended, not resolved, so that a base with a path prefix (a public_url behind a proxy) keeps it
    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        return apiKey == null ? b : b.header("Authorization", "Bearer " + apiKey);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    private JsonNode send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw new Unreachable(base, e);
        }
        JsonNode body;
        try {
            body = res.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(res.body());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("the server at " + base + " answered HTTP " + res.statusCode() + " with "
                    + res.headers().firstValue("Content-Type").orElse("no content type")
                    + ", not JSON: is it a nommer server?");
        }
        if (res.statusCode() >= 400) {
            throw new ApiError(
                    res.statusCode(),
                    body.path("code").asText(null),
                    body.path("detail").asText("request failed"));
        }
        return body;
    }
}
