package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.core.testing.Await;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting jobs and uploads over the API, for the tenant that made them only, and retention deleting them by itself,
 * against a real server (SQLite, local storage, ffmpeg). The store's side runs on both engines in RetentionContract.
 */
class RetentionTest {
    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient acme;
    static ApiClient globex;
    static Path tone;

    @BeforeAll
    static void start() {
        TestMedia.requireFfmpeg();
        tone = Media.clip(tmp, "tone.m4a", null, 1, false, true);
        ServerConfig config = ConfigLoader.load(
                Map.of("port", "0", "data", tmp.resolve("data").toString(), "workers", "1", "auth", "keys"), Map.of());
        String acmeKey;
        String globexKey;
        try (Store store = NommerServer.openStore(config)) {
            ApiKeys keys = store.keys();
            acmeKey = keys.create("acme", Role.TENANT, null, null).token();
            globexKey = keys.create("globex", Role.TENANT, null, null).token();
            // jobs submitted to a cloud with no worker stay queued
            store.fleet().putCloud("nobody", 0);
        }
        server = NommerServer.start(config);
        // both check their exchanges against the OpenAPI document, together
        acme = new ApiClient(server.baseUrl()).withKey(acmeKey);
        globex = acme.withKey(globexKey);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            acme.assertFollowedOpenApi();
        }
    }

    private static String upload(ApiClient client) {
        Reply r = client.upload(tone);
        assertThat(r.status()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    private static String submit(ApiClient client, String uploadId) {
        Reply r = client.post(
                "/v1/jobs", "{\"input\": \"upload:" + uploadId + "\", \"outputs\": [{\"preset\": \"mp3\"}]}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    /** A job of {@code client}'s that no worker will claim for a while: its cloud has none. */
    private static String queued(ApiClient client, String uploadId) {
        Reply r = client.post(
                "/v1/jobs",
                "{\"input\": \"upload:" + uploadId
                        + "\", \"cloud\": \"nobody\", \"outputs\": [{\"preset\": \"mp3\"}]}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    private static Path outputs(NommerServer s, String jobId) {
        return s.config().dataDir().resolve("outputs").resolve(jobId);
    }

    private static long files(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFinishedJob_isDeleted_byItsTenantOnly_andAnUnfinishedOneIsRefused() {
        String id = queued(acme, upload(acme));

        Reply running = acme.delete("/v1/jobs/" + id);
        assertThat(running.status()).isEqualTo(409);
        assertThat(running.body().path("code").asText()).isEqualTo("job_not_finished");
        assertThat(running.body().path("detail").asText()).contains("cancel it first");
        assertThat(acme.post("/v1/jobs/" + id + "/cancel").status()).isEqualTo(200);

        Reply other = globex.delete("/v1/jobs/" + id);
        assertThat(other.status())
                .as("another tenant's job does not exist for it")
                .isEqualTo(404);
        assertThat(other.body().path("code").asText()).isEqualTo("not_found");
        assertThat(acme.get("/v1/jobs/" + id).status()).isEqualTo(200);

        assertThat(acme.delete("/v1/jobs/" + id).status()).isEqualTo(204);

        assertThat(acme.get("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(acme.get("/v1/jobs/" + id + "/events").status()).isEqualTo(404);
        assertThat(acme.delete("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(acme.delete("/v1/jobs/job_00000000000000000000000000").status())
                .isEqualTo(404);
        assertThat(acme.delete("/v1/jobs/" + id + "?outputs=yes").status()).isEqualTo(422);
    }

    @Test
    void outputFiles_areDeletedWithTheJob_onlyWhenAsked() {
        String kept = submit(acme, upload(acme));
        String gone = submit(acme, upload(acme));
        assertThat(acme.awaitTerminal(kept).path("state").asText()).isEqualTo("succeeded");
        assertThat(acme.awaitTerminal(gone).path("state").asText()).isEqualTo("succeeded");
        assertThat(files(outputs(server, gone))).isPositive();

        assertThat(acme.delete("/v1/jobs/" + kept).status()).isEqualTo(204);
        assertThat(acme.delete("/v1/jobs/" + gone + "?outputs=true").status()).isEqualTo(204);

        assertThat(files(outputs(server, kept))).as("the record only").isPositive();
        assertThat(outputs(server, gone)).doesNotExist();
    }

    @Test
    void anUpload_isDeleted_byItsTenantOnly_andNotWhileAnUnfinishedJobUsesIt() {
        String unused = upload(acme);
        String used = upload(acme);
        String job = queued(acme, used);

        Reply other = globex.delete("/v1/uploads/" + unused);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.body().path("code").asText()).isEqualTo("not_found");
        Reply inUse = acme.delete("/v1/uploads/" + used);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.body().path("code").asText()).isEqualTo("upload_in_use");

        assertThat(acme.delete("/v1/uploads/" + unused).status()).isEqualTo(204);
        assertThat(acme.delete("/v1/uploads/" + unused).status()).isEqualTo(404);
        Reply input =
                acme.post("/v1/jobs", "{\"input\": \"upload:" + unused + "\", \"outputs\": [{\"preset\": \"mp3\"}]}");
        assertThat(input.status()).as("a deleted upload is no input").isEqualTo(422);
        assertThat(acme.delete("/v1/uploads/upl_nonsense").status()).isEqualTo(404);

        acme.post("/v1/jobs/" + job + "/cancel");
        assertThat(acme.delete("/v1/uploads/" + used).status()).isEqualTo(204);
    }

    @Test
    void retention_deletesFinishedJobsWithTheirOutputs_andUnusedUploads_byItself() {
        Path data = tmp.resolve("short");
        try (NommerServer s = NommerServer.start(ConfigLoader.load(
                Map.of(
                        "port",
                        "0",
                        "data",
                        data.toString(),
                        "workers",
                        "1",
                        "job_retention",
                        "1s",
                        "upload_retention",
                        "1s",
                        "delete_outputs_with_job",
                        "true"),
                Map.of()))) {
            ApiClient api = new ApiClient(s.baseUrl());
            String input = upload(api);
            String job = submit(api, input);
            assertThat(api.awaitTerminal(job).path("state").asText()).isEqualTo("succeeded");
            String unused = upload(api);

            Await.until(
                    "retention to delete job " + job,
                    Duration.ofSeconds(30),
                    () -> api.get("/v1/jobs/" + job).status(),
                    status -> status == 404);
            Await.until(
                    "retention to delete the uploads",
                    Duration.ofSeconds(30),
                    () -> List.of(input, unused).stream()
                            .filter(u -> Files.exists(data.resolve("uploads").resolve(u)))
                            .toList(),
                    List::isEmpty);
            assertThat(outputs(s, job)).doesNotExist();
            api.assertFollowedOpenApi();
        }
    }
}
