package io.nommer.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** A small HTTP client for tests: every call returns status and parsed body. */
final class ApiClient {
    record Reply(int status, JsonNode body, String contentType, byte[] raw, java.net.http.HttpHeaders headers) {
        /** The response's header, or null. */
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper mapper = new ObjectMapper();
    /** Every exchange this client makes is checked against the OpenAPI document. */
    final OpenApiCheck openapi;
    /** The API key sent with every request, or null. */
    private final String key;

    ApiClient(String base) {
        this(base, null, new OpenApiCheck());
    }

    private ApiClient(String base, String key, OpenApiCheck openapi) {
        this.base = base;
        this.key = key;
        this.openapi = openapi;
    }

    /** Fails when an exchange of this client (or of another made from it) broke the OpenAPI document. */
    void assertFollowedOpenApi() {
        org.assertj.core.api.Assertions.assertThat(openapi.violations())
                .as("requests and responses that break the OpenAPI document")
                .isEmpty();
    }

    /** A client of the same server that sends {@code apiKey} ({@code Authorization: Bearer}), checked alike. */
    ApiClient withKey(String apiKey) {
        return new ApiClient(base, apiKey, openapi);
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    Reply get(String path) {
        return send(builder(path).GET());
    }

    Reply post(String path, String json) {
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return send(
                builder(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                body);
    }

    /** A POST without a body (cancel, retry). */
    Reply post(String path) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Reply postJson(String path, Object body) {
        try {
            return post(path, mapper.writeValueAsString(body));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Reply put(String path, String json) {
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return send(
                builder(path)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
                body);
    }

    Reply delete(String path) {
        return send(builder(path).DELETE());
    }

    Reply upload(byte[] bytes) {
        return send(builder("/v1/uploads").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), bytes);
    }

    Reply upload(Path file) {
        try {
            return upload(java.nio.file.Files.readAllBytes(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The output named {@code name} in a job's view. */
    static JsonNode output(JsonNode job, String name) {
        for (JsonNode o : job.path("outputs")) {
            if (o.path("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no output " + name + " in " + job);
    }

    /** Downloads a file of a job's view into a new folder in {@code dir}, under its own name, checking its size. */
    Path download(JsonNode file, Path dir) throws IOException {
        Reply r = send(
                HttpRequest.newBuilder(URI.create(file.path("url").asText())).GET());
        org.assertj.core.api.Assertions.assertThat(r.status()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat((long) r.raw().length)
                .isEqualTo(file.path("size").asLong());
        Path p = java.nio.file.Files.createTempDirectory(dir, "dl")
                .resolve(file.path("name").asText());
        java.nio.file.Files.write(p, r.raw());
        return p;
    }

    Reply send(HttpRequest.Builder b) {
        return send(b, null);
    }

    /** Sends the request; {@code body} is what it carries, for the OpenAPI check (null for none or raw bytes). */
    Reply send(HttpRequest.Builder b, byte[] body) {
        try {
            HttpRequest request = b.timeout(Duration.ofSeconds(30)).build();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            request.headers().map().forEach((k, v) -> headers.put(k, v.get(0)));
            openapi.record(request.method(), request.uri(), headers, body, r.statusCode(), r.headers(), r.body());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (type.contains("json") && r.body().length > 0) {
                json = mapper.readTree(r.body());
            }
            return new Reply(r.statusCode(), json, type, r.body(), r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls the job until {@code done} holds; fails with the last state seen after {@code timeout}. */
    JsonNode awaitJob(String id, Predicate<JsonNode> done, Duration timeout) {
        return Await.until("job " + id, timeout, () -> get("/v1/jobs/" + id).body(), done);
    }

    JsonNode awaitTerminal(String id) {
        return awaitJob(
                id,
                j -> {
                    String s = j.path("state").asText();
                    return s.equals("succeeded") || s.equals("failed") || s.equals("cancelled");
                },
                Duration.ofSeconds(120));
    }
}
