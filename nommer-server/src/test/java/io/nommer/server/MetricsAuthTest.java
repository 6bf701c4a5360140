package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may read {@code /metrics} when API keys are required: an admin key or the metrics_token, and no one else. */
class MetricsAuthTest {
    private static final String METRICS_TOKEN = "prometheus-scrapes-this-0123456789";

    @TempDir
    static Path tmp;

    static NommerServer server;
    static ApiClient anonymous;
    static String adminKey;
    static String tenantKey;

    @BeforeAll
    static void start() {
        TestMedia.requireFfmpeg();
        ServerConfig config = ConfigLoader.load(
                Map.of(
                        "port", "0",
                        "data", tmp.resolve("data").toString(),
                        "workers", "0",
                        "auth", "keys",
                        "metrics_token", METRICS_TOKEN),
                Map.of());
        try (Store store = NommerServer.openStore(config)) {
            adminKey = store.keys().create("ops", Role.ADMIN, null, null).token();
            tenantKey = store.keys().create("acme", Role.TENANT, null, null).token();
        }
        server = NommerServer.start(config);
        anonymous = new ApiClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (anonymous != null) {
            anonymous.assertFollowedOpenApi();
        }
    }

    @Test
    void anAdminKey_andTheMetricsToken_readTheMetrics() {
        for (String token : new String[] {adminKey, METRICS_TOKEN}) {
            Reply r = anonymous.withKey(token).get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.raw(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("nommer_jobs_submitted_total{cloud=\"default\"} 0.0", "jvm_memory_used_bytes");
        }
    }

    @Test
    void withoutAKey_orWithAWrongToken_itIs401_andATenantsKeyIs403() {
        Reply none = anonymous.get("/metrics");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().path("code").asText()).isEqualTo("unauthorized");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"nommer\"");
        assertThat(anonymous.withKey(METRICS_TOKEN + "x").get("/metrics").status())
                .isEqualTo(401);
        Reply tenant = anonymous.withKey(tenantKey).get("/metrics");
        assertThat(tenant.status()).isEqualTo(403);
        assertThat(tenant.body().path("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void theMetricsToken_opensNothingElse() {
        assertThat(anonymous.withKey(METRICS_TOKEN).get("/v1/jobs").status()).isEqualTo(401);
    }
}
