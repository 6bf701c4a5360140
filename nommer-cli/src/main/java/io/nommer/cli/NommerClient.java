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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        String name = URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8);
        HttpRequest req = request(base.resolve("/v1/uploads?filename=" + name))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file))
                .build();
        return send(req);
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
        HttpRequest req = request(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(json)))
                .build();
        return send(req);
    }

    public JsonNode job(String id) throws IOException, InterruptedException {
        return get("/v1/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(base.resolve(path)).GET().build());
    }

    public JsonNode post(String path) throws IOException, InterruptedException {
        return send(request(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        return apiKey == null ? b : b.header("Authorization", "Bearer " + apiKey);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    private JsonNode send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the nommer server at " + base + " (is `nommer serve` running?)", e);
        }
        JsonNode body = res.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(res.body());
        if (res.statusCode() >= 400) {
            throw new ApiError(
                    res.statusCode(),
                    body.path("code").asText(null),
                    body.path("detail").asText("request failed"));
        }
        return body;
    }
}
