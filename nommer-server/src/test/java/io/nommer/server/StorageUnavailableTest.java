package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.config.ConfigLoader;
import io.nommer.storage.s3.S3TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose S3 bucket does not exist, refuses its credentials, or is deleted under it answers every request that
 * touches the bucket with 503 {@code storage_unavailable} naming the bucket and S3's reason (no secret, no stack
 * trace), and its worker fails the output with the same code: never a 500 {@code internal_error}.
 */
class StorageUnavailableTest {
    static final String WRONG_SECRET = "wrong-SECRET-5hq0x";

    @TempDir
    Path tmp;

    static S3TestServer s3;

    @BeforeAll
    static void s3() throws Exception {
        s3 = S3TestServer.get();
    }

    private NommerServer start(Map<String, String> s3Settings, int workers) {
        Map<String, String> all = new java.util.HashMap<>(s3Settings);
        all.put("port", "0");
        all.put("data", tmp.resolve("data").toString());
        all.put("workers", Integer.toString(workers));
        all.put("input_roots", tmp.resolve("in").toString());
        return NommerServer.start(ConfigLoader.load(all, Map.of()));
    }

    private static Map<String, String> inBucket(String bucket) {
        Map<String, String> m = new java.util.HashMap<>(s3.nommerSettings("p"));
        m.put("storage", "s3://" + bucket + "/p");
        return m;
    }

    @Test
    void upload_toABucketThatDoesNotExist_isStorageUnavailable() {
        try (NommerServer server = start(inBucket("nommer-never-made"), 0)) {
            ApiClient api = new ApiClient(server.baseUrl());
            ApiClient.Reply r = api.upload(new byte[] {1, 2, 3});

            assertUnavailable(r, "bucket 'nommer-never-made' does not exist");
            assertThat(api.openapi.violations()).isEmpty();
        }
    }

    @Test
    void upload_refusedByTheBucket_isStorageUnavailableWithoutTheSecret() {
        Map<String, String> settings = new java.util.HashMap<>(s3.nommerSettings("p"));
        settings.put("s3_secret_key", WRONG_SECRET);
        try (NommerServer server = start(settings, 0)) {
            ApiClient api = new ApiClient(server.baseUrl());
            ApiClient.Reply r = api.upload(new byte[] {1, 2, 3});

            assertUnavailable(r, "bucket '" + S3TestServer.BUCKET + "' refuses the credentials");
            assertThat(r.body().path("detail").asText()).doesNotContain(WRONG_SECRET);
            assertThat(api.openapi.violations()).isEmpty();
        }
    }

    @Test
    void upload_toAnS3EndpointWhereNothingListens_isStorageUnavailable() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Map<String, String> settings = new java.util.HashMap<>(s3.nommerSettings("p"));
        settings.put("s3_endpoint", "http://127.0.0.1:" + closed);
        try (NommerServer server = start(settings, 0)) {
            ApiClient api = new ApiClient(server.baseUrl());
            ApiClient.Reply r = api.upload(new byte[] {1, 2, 3});

            assertUnavailable(r, "cannot be reached");
            assertThat(api.openapi.violations()).isEmpty();
        }
    }

    @Test
    void aBucketDeletedUnderTheServer_failsDownloadsAndOutputsWithStorageUnavailable() throws Exception {
        TestMedia.requireFfmpeg();
        String bucket = "nommer-vanishing-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        Path input = Files.createDirectories(tmp.resolve("in")).resolve("a.m4a");
        Files.copy(TestMedia.audioOnly(1), input);
        try (NommerServer server = start(inBucket(bucket), 1)) {
            ApiClient api = new ApiClient(server.baseUrl());
            String job = submit(api, input);
            JsonNode done = api.awaitTerminal(job);
            assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
            String url =
                    done.path("outputs").get(0).path("files").get(0).path("url").asText();

            s3.deleteBucket(bucket);

            assertUnavailable(
                    api.send(HttpRequest.newBuilder(URI.create(url)).GET()), "bucket '" + bucket + "' does not exist");
            // the worker's publish meets the missing bucket: the output says why (and is retried, as for any storage)
            String second = submit(api, input);
            JsonNode failing = api.awaitJob(
                    second,
                    j -> j.path("outputs").get(0).path("error").path("code").isTextual(),
                    Duration.ofSeconds(60));
            JsonNode error = failing.path("outputs").get(0).path("error");
            assertThat(error.path("code").asText()).as("%s", failing).isEqualTo("storage_unavailable");
            assertThat(error.path("message").asText()).contains("bucket '" + bucket + "' does not exist");
            assertThat(api.openapi.violations()).isEmpty();
        }
    }

    private static String submit(ApiClient api, Path input) {
        ApiClient.Reply r = api.post(
                "/v1/jobs", "{\"input\": \"%s\", \"outputs\": [{\"preset\": \"mp3\"}]}".formatted(input.toUri()));
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    private static void assertUnavailable(ApiClient.Reply r, String says) {
        assertThat(r.status()).as("%s", r.body()).isEqualTo(503);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.body().path("code").asText()).isEqualTo("storage_unavailable");
        assertThat(r.body().path("detail").asText())
                .contains(says)
                .doesNotContain(S3TestServer.SECRET_KEY)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }
}
