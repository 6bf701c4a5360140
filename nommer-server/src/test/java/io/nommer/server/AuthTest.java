package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.auth.SignedUrls;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys and tenants against a real server (SQLite; the store's side runs on both engines in ApiKeysContract):
 * who may call what, and that tenants never see each other's jobs, uploads or files.
 */
class AuthTest {
    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient anonymous;
    static ApiClient admin;
    static ApiClient acme;
    static ApiClient globex;
    static String expiredKey;
    static String adminKey;
    static String acmeKey;
    static String globexKey;

    @BeforeAll
    static void start() {
        TestMedia.requireFfmpeg();
        Map<String, String> settings =
                Map.of("port", "0", "data", tmp.resolve("data").toString(), "workers", "0", "auth", "keys");
        ServerConfig config = ConfigLoader.load(settings, Map.of());
        // the bootstrap an operator does: keys made on the store directly, before any key exists
        try (Store store = NommerServer.openStore(config)) {
            ApiKeys keys = store.keys();
            adminKey = keys.create("ops", Role.ADMIN, "bootstrap", null).token();
            acmeKey = keys.create("acme", Role.TENANT, null, null).token();
            globexKey = keys.create("globex", Role.TENANT, null, null).token();
            expiredKey = keys.create("acme", Role.TENANT, null, Instant.now().minusSeconds(1))
                    .token();
        }
        server = NommerServer.start(config);
        anonymous = new ApiClient(server.baseUrl());
        admin = anonymous.withKey(adminKey);
        acme = anonymous.withKey(acmeKey);
        globex = anonymous.withKey(globexKey);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        assertThat(anonymous.openapi.violations())
                .as("requests and responses that break the OpenAPI document")
                .isEmpty();
    }

    private static String submit(ApiClient client, String input) {
        Reply r = client.post("/v1/jobs", "{\"input\": \"" + input + "\", \"outputs\": [{\"preset\": \"mp3\"}]}");
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    private static String upload(ApiClient client) {
        Reply r = client.upload(new byte[] {1, 2, 3});
        assertThat(r.status()).isEqualTo(201);
        return r.body().path("uri").asText();
    }

    @Test
    void withoutAKey_everyRouteButThePublicOnesIs401_withABearerChallenge() {
        for (String path : List.of("/v1/jobs", "/v1/presets", "/v1/clouds", "/v1/keys")) {
            Reply r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.body().path("code").asText()).isEqualTo("unauthorized");
        }
        Reply r = anonymous.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                .GET());
        assertThat(r.status()).isEqualTo(401);
        assertThat(anonymous.upload(new byte[] {1}).status()).isEqualTo(401);
        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        assertThat(anonymous.get("/v1/openapi.yaml").status()).isEqualTo(200);
    }

    @Test
    void theChallengeHeader_isSent() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                                .GET()
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"nommer\"");
    }

    @Test
    void unknownRevokedAndExpiredKeys_are401() {
        assertThat(anonymous.withKey("nk_nope").get("/v1/jobs").status()).isEqualTo(401);
        Reply expired = anonymous.withKey(expiredKey).get("/v1/jobs");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.body().path("detail").asText()).contains("expired");

        Reply made = admin.post("/v1/keys", "{\"tenant\": \"acme\"}");
        assertThat(made.status()).isEqualTo(201);
        ApiClient shortLived = anonymous.withKey(made.body().path("key").asText());
        assertThat(shortLived.get("/v1/jobs").status()).isEqualTo(200);
        assertThat(admin.delete("/v1/keys/" + made.body().path("id").asText()).status())
                .isEqualTo(200);
        Reply revoked = shortLived.get("/v1/jobs");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.body().path("detail").asText()).contains("revoked");
    }

    @Test
    void tenantKeys_onAdminRoutes_are403() {
        for (String path : List.of("/v1/clouds", "/v1/workers", "/v1/keys", "/v1/tenants", "/v1/capabilities")) {
            Reply r = acme.get(path);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.body().path("code").asText()).isEqualTo("forbidden");
            assertThat(admin.get(path).status()).as(path).isEqualTo(200);
        }
        assertThat(acme.post("/v1/keys", "{\"tenant\": \"acme\", \"role\": \"admin\"}")
                        .status())
                .as("a tenant cannot make itself an admin")
                .isEqualTo(403);
        assertThat(acme.get("/v1/presets").status()).isEqualTo(200);
    }

    @Test
    void stacks_areReadByAnyKey_theBinariesPathsByAdminKeysOnly() {
        Reply tenant = acme.get("/v1/stacks");
        Reply operator = admin.get("/v1/stacks");

        assertThat(tenant.status()).isEqualTo(200);
        JsonNode ffmpeg = tenant.body().path("stacks").get(0).path("tools").get(0);
        assertThat(ffmpeg.path("version").asText()).isNotBlank();
        assertThat(ffmpeg.has("path")).isFalse();
        assertThat(operator.body()
                        .path("stacks")
                        .get(0)
                        .path("tools")
                        .get(0)
                        .path("path")
                        .asText())
                .endsWith("ffmpeg");
    }

    @Test
    void anotherTenantsJob_isNotFound_everywhere_andListsShowOnlyOnesOwn() {
        String id = submit(acme, upload(acme));

        assertThat(acme.get("/v1/jobs/" + id).status()).isEqualTo(200);
        assertThat(acme.get("/v1/jobs/" + id).body().path("id").asText()).isEqualTo(id);
        for (Reply r : List.of(
                globex.get("/v1/jobs/" + id),
                globex.get("/v1/jobs/" + id + "/events"),
                globex.post("/v1/jobs/" + id + "/cancel"),
                globex.post("/v1/jobs/" + id + "/retry"),
                globex.get("/v1/jobs/" + id + "/outputs/mp3/files/mp3.mp3"))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body().path("code").asText()).isEqualTo("not_found");
        }
        assertThat(ids(globex.get("/v1/jobs?limit=500").body())).doesNotContain(id);
        assertThat(ids(acme.get("/v1/jobs?limit=500").body())).contains(id);
        assertThat(ids(admin.get("/v1/jobs?limit=500").body()))
                .as("the admin sees every tenant's")
                .contains(id);
        assertThat(admin.get("/v1/jobs/" + id).status()).isEqualTo(200);
        assertThat(acme.post("/v1/jobs/" + id + "/cancel").status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsUpload_cannotBeAnInput_andReadsAsMissing() {
        String acmes = upload(acme);

        Reply r = globex.post("/v1/jobs", "{\"input\": \"" + acmes + "\", \"outputs\": [{\"preset\": \"mp3\"}]}");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().path("code").asText()).isEqualTo("invalid_input");
        String missing = "upload:upl_00000000000000000000000000";
        Reply none = globex.post("/v1/jobs", "{\"input\": \"" + missing + "\", \"outputs\": [{\"preset\": \"mp3\"}]}");
        assertThat(r.body().path("detail").asText().replace(acmes, "X"))
                .as("worded as for one that does not exist")
                .isEqualTo(none.body().path("detail").asText().replace(missing, "X"));
        assertThat(admin.post("/v1/jobs", "{\"input\": \"" + acmes + "\", \"outputs\": [{\"preset\": \"mp3\"}]}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void idempotencyKeys_areEachTenantsOwn() {
        String body = "{\"input\": \"" + upload(acme) + "\", \"outputs\": [{\"preset\": \"mp3\"}]}";
        String globexBody = "{\"input\": \"" + upload(globex) + "\", \"outputs\": [{\"preset\": \"mp3\"}]}";
        HttpRequest.Builder first = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"));
        Reply a = acme.send(
                first.header("Idempotency-Key", "order-7")
                        .header("Authorization", "Bearer " + acmeKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                body.getBytes());
        Reply g = globex.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                        .header("Idempotency-Key", "order-7")
                        .header("Authorization", "Bearer " + globexKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(globexBody)),
                globexBody.getBytes());

        assertThat(a.status()).isEqualTo(201);
        assertThat(g.status()).as("not acme's job answered back").isEqualTo(201);
        assertThat(g.body().path("id").asText())
                .isNotEqualTo(a.body().path("id").asText());
    }

    @Test
    void storedProfiles_areEachTenantsOwn_andJobsUseTheirTenants() {
        assertThat(acme.post("/v1/profiles", "{\"name\": \"voice\", \"preset\": \"mp3\"}")
                        .status())
                .isEqualTo(201);
        String voiceJob = "{\"input\": \"%s\", \"outputs\": [{\"preset\": \"voice\"}]}";

        assertThat(globex.get("/v1/profiles/voice").status()).isEqualTo(404);
        assertThat(globex.get("/v1/profiles").body().path("profiles")).isEmpty();
        Reply refused = globex.post("/v1/jobs", voiceJob.formatted(upload(globex)));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().path("code").asText()).isEqualTo("unknown_preset");
        assertThat(globex.delete("/v1/profiles/voice").status()).isEqualTo(404);
        assertThat(globex.put("/v1/profiles/voice", "{\"preset\": \"m4a-aac\"}").status())
                .as("the same name, globex's own")
                .isEqualTo(200);

        assertThat(acme.get("/v1/profiles/voice").body().path("preset").asText())
                .isEqualTo("mp3");
        assertThat(acme.post("/v1/jobs", voiceJob.formatted(upload(acme))).status())
                .isEqualTo(201);
        assertThat(admin.get("/v1/profiles/voice").status())
                .as("an admin's profiles are its own tenant's too")
                .isEqualTo(404);
    }

    @Test
    void signedDownloads_needNoKey_butAValidSignatureForThatJobAndOutput() throws Exception {
        String id = submit(acme, upload(acme));
        String secret = Files.readString(tmp.resolve("data/webhook-secret")).trim();
        String token = new SignedUrls(secret, Duration.ofHours(1), InstantSource.system()).token(id, "mp3");

        Reply forged =
                anonymous.get("/v1/signed/" + token.replace('-', '0') + "-x/jobs/" + id + "/outputs/mp3/files/mp3.mp3");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body().path("code").asText()).isEqualTo("invalid_signature");
        assertThat(anonymous
                        .get("/v1/signed/" + token + "/jobs/" + id + "/outputs/other/files/mp3.mp3")
                        .status())
                .isEqualTo(403);
        Reply signed = anonymous.get("/v1/signed/" + token + "/jobs/" + id + "/outputs/mp3/files/mp3.mp3");
        assertThat(signed.status())
                .as("signed, so past authentication: the file is not there yet")
                .isEqualTo(404);
    }

    @Test
    void adminApi_makesTenantsAndKeys_showingTheKeyOnlyOnce() {
        Reply tenant = admin.post("/v1/tenants", "{\"name\": \"initech\"}");
        assertThat(tenant.status()).isEqualTo(201);
        Reply made = admin.post("/v1/keys", "{\"tenant\": \"initech\", \"description\": \"ci\"}");
        assertThat(made.body().path("key").asText()).startsWith("nk_");

        JsonNode listed = admin.get("/v1/keys?tenant=initech").body().path("keys");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("key")).as("never listed").isFalse();
        assertThat(listed.get(0).path("role").asText()).isEqualTo("tenant");
        assertThat(admin.post("/v1/keys", "{\"tenant\": \"Not A Name\"}").status())
                .isEqualTo(422);
        assertThat(admin.post("/v1/keys", "{\"tenant\": \"x\", \"role\": \"root\"}")
                        .status())
                .isEqualTo(422);
        assertThat(admin.delete("/v1/keys/nosuchkey").status()).isEqualTo(404);
    }

    @Test
    void authOff_isRefusedOffLoopback_unlessForced_andTheDefaultFollowsTheBind() {
        Map<String, String> s = new HashMap<>(Map.of("data", tmp.resolve("x").toString(), "bind", "0.0.0.0"));
        assertThat(ConfigLoader.load(s, Map.of()).authRequired()).isTrue();
        s.put("auth", "off");
        assertThatThrownBy(() -> ConfigLoader.load(s, Map.of())).hasMessageContaining("auth off on 0.0.0.0");
        s.put("auth_off_on_network", "true");
        assertThat(ConfigLoader.load(s, Map.of()).authRequired()).isFalse();
        assertThat(ConfigLoader.load(Map.of("bind", "127.0.0.1"), Map.of()).authRequired())
                .isFalse();
        assertThat(ConfigLoader.load(Map.of("bind", "127.0.0.1", "auth", "keys"), Map.of())
                        .authRequired())
                .isTrue();
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("auth", "maybe"), Map.of()))
                .hasMessageContaining("auth must be keys or off");
    }

    private static List<String> ids(JsonNode page) {
        return page.path("jobs").findValuesAsText("id");
    }
}
