package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.auth.ApiKeys;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-tenant limits through the API, with several tenants' keys against a real server (SQLite, one ffmpeg worker):
 * the admin sets them, a tenant at one is refused with a stable code while the others go on, and a tenant reads its
 * own limits and usage. How claims share workers between tenants is the store's (TenantFairnessContract).
 */
class TenantLimitsTest {
    @TempDir
    static Path tmp;

    static KeyedServer farm;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        farm = KeyedServer.start(tmp, Map.of("tenant_limits.max_input_pixels", "33177600"));
        admin = farm.admin;
        // a cloud no worker serves: jobs sent there stay queued
        assertThat(admin.put("/v1/clouds/parked", "{\"priority\": 0}").status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (farm != null) {
            farm.close();
        }
    }

    /** A new tenant with one key, and the client that sends it. */
    private static ApiClient tenant(String name) {
        return farm.tenant(name);
    }

    private static Reply limit(String tenant, String limits) {
        return admin.put("/v1/tenants/" + tenant, "{\"limits\": " + limits + "}");
    }

    private static String upload(ApiClient client) {
        Reply r = client.upload(new byte[] {1, 2, 3});
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.body().path("uri").asText();
    }

    private static Reply submitParked(ApiClient client, String input) {
        return client.post(
                "/v1/jobs",
                "{\"input\": \"" + input + "\", \"outputs\": [{\"preset\": \"mp3\"}], \"cloud\": \"parked\"}");
    }

    @Test
    void aTenantAtItsQueuedJobsLimit_is429WithRetryAfter_whileAnotherTenantGoesOn() {
        ApiClient acme = tenant("acme");
        ApiClient globex = tenant("globex");
        Reply set = limit("acme", "{\"max_queued_jobs\": 2}");
        assertThat(set.status()).as("%s", set.body()).isEqualTo(200);
        assertThat(set.body().path("limits").path("max_queued_jobs").asInt()).isEqualTo(2);
        String input = upload(acme);
        String first = submitParked(acme, input).body().path("id").asText();
        assertThat(submitParked(acme, input).status()).isEqualTo(201);

        Reply full = submitParked(acme, input);

        assertThat(full.status()).isEqualTo(429);
        assertThat(full.body().path("code").asText()).isEqualTo("tenant_queue_full");
        assertThat(full.body().path("detail").asText()).contains("max_queued_jobs is 2");
        assertThat(full.header("Retry-After")).isEqualTo("10");
        assertThat(submitParked(globex, upload(globex)).status())
                .as("another tenant is not held back")
                .isEqualTo(201);
        String bulk = "{\"jobs\": [" + String.join(",", java.util.Collections.nCopies(3, job(input))) + "]}";
        Reply tooMany = acme.post("/v1/jobs/bulk", bulk);
        assertThat(tooMany.status()).as("three can never fit a limit of two").isEqualTo(422);
        assertThat(tooMany.body().path("code").asText()).isEqualTo("tenant_queue_full");
        assertThat(tooMany.body().path("field").asText()).isEqualTo("jobs");

        JsonNode own = acme.get("/v1/tenants/acme").body();
        assertThat(own.path("usage").path("queued_jobs").asInt()).isEqualTo(2);
        assertThat(own.path("effective_limits").path("max_queued_jobs").asInt()).isEqualTo(2);
        assertThat(own.path("effective_limits").path("max_running_tasks").asText())
                .isEqualTo("unlimited");

        assertThat(acme.post("/v1/jobs/" + first + "/cancel").status()).isEqualTo(200);
        assertThat(submitParked(acme, input).status()).as("room again").isEqualTo(201);
    }

    private static String job(String input) {
        return "{\"input\": \"" + input + "\", \"outputs\": [{\"preset\": \"mp3\"}], \"cloud\": \"parked\"}";
    }

    @Test
    void aTenantAtItsUploadsPerDay_is429UntilTheOldestLeavesTheDay_andZeroForbidsUploads() {
        ApiClient uploader = tenant("uploader");
        limit("uploader", "{\"max_uploads_per_day\": 2}");
        upload(uploader);
        upload(uploader);

        Reply third = uploader.upload(new byte[] {1});

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body().path("code").asText()).isEqualTo("tenant_upload_quota");
        long retryAfter = Long.parseLong(third.header("Retry-After"));
        assertThat(retryAfter)
                .isBetween(
                        Duration.ofHours(23).toSeconds(), Duration.ofHours(24).toSeconds());
        assertThat(uploader.get("/v1/tenants/uploader")
                        .body()
                        .path("usage")
                        .path("uploads_last_day")
                        .asInt())
                .isEqualTo(2);

        limit("uploader", "{\"max_uploads_per_day\": 0}");
        Reply none = uploader.upload(new byte[] {1});
        assertThat(none.status()).isEqualTo(422);
        assertThat(none.body().path("code").asText()).isEqualTo("tenant_upload_quota");

        limit("uploader", "{\"max_uploads_per_day\": \"unlimited\", \"max_input_bytes\": 2}");
        Reply large = uploader.upload(new byte[] {1, 2, 3});
        assertThat(large.status())
                .as("larger than any input of the tenant may be")
                .isEqualTo(413);
        assertThat(large.body().path("detail").asText()).contains("uploader's max_input_bytes");
        assertThat(uploader.upload(new byte[] {1, 2}).status()).isEqualTo(201);
    }

    @Test
    void anInputOverItsTenantsLimit_failsTheOutputWithItsOwnCode() {
        ApiClient shorts = tenant("shorts");
        limit("shorts", "{\"max_input_seconds\": 1}");
        Reply up = shorts.upload(TestMedia.videoWithAudio());

        Reply r = shorts.post(
                "/v1/jobs",
                "{\"input\": \"" + up.body().path("uri").asText() + "\", \"outputs\": [{\"preset\": \"mp3\"}]}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode job = shorts.awaitTerminal(r.body().path("id").asText());

        assertThat(job.path("state").asText()).isEqualTo("failed");
        JsonNode error = job.path("outputs").get(0).path("error");
        assertThat(error.path("code").asText()).isEqualTo("tenant_input_limit_exceeded");
        assertThat(error.path("message").asText()).contains("tenant shorts's max_input_seconds of 1");
    }

    @Test
    void limitsAreTheAdmins_andEachTenantSeesOnlyItsOwn() {
        ApiClient initech = tenant("initech");
        tenant("hooli");

        assertThat(initech.put("/v1/tenants/initech", "{\"limits\": {}}").status())
                .isEqualTo(403);
        assertThat(initech.get("/v1/tenants/hooli").status())
                .as("another tenant's: as unknown")
                .isEqualTo(404);
        assertThat(admin.get("/v1/tenants/nosuchtenant").status()).isEqualTo(404);
        JsonNode own = initech.get("/v1/tenants/initech").body();
        assertThat(own.path("limits").size()).as("none set").isZero();
        assertThat(own.path("effective_limits").path("max_input_pixels").asLong())
                .as("the configured default")
                .isEqualTo(33_177_600L);
        Reply created = limit("newco", "{\"max_running_tasks\": 3, \"max_input_pixels\": \"unlimited\"}");
        assertThat(created.status()).as("a new tenant").isEqualTo(201);
        JsonNode made = created.body();
        assertThat(made.path("effective_limits").path("max_input_pixels").asText())
                .isEqualTo("unlimited");
        assertThat(made.path("effective_limits").path("max_running_tasks").asInt())
                .isEqualTo(3);
        assertThat(admin.get("/v1/tenants").body().findValuesAsText("name")).contains("newco");
    }

    @Test
    void badLimits_are422_namingTheField() {
        for (Map.Entry<String, String> bad : Map.of(
                        "{\"max_parallel\": 3}", "limits.max_parallel",
                        "{\"max_running_tasks\": -1}", "limits.max_running_tasks",
                        "{\"max_queued_jobs\": \"lots\"}", "limits.max_queued_jobs",
                        "{\"max_input_bytes\": 1.5}", "limits.max_input_bytes",
                        "[1]", "limits")
                .entrySet()) {
            Reply r = limit("acme", bad.getKey());
            assertThat(r.status()).as(bad.getKey()).isEqualTo(422);
            assertThat(r.body().path("code").asText()).isEqualTo("invalid_request");
            assertThat(r.body().path("field").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
        }
        assertThat(admin.put("/v1/tenants/Not%20A%20Name", "{\"limits\": {}}").status())
                .isEqualTo(422);
        assertThat(ApiKeys.TENANT_NAME.matcher("acme").matches()).isTrue();
    }
}
