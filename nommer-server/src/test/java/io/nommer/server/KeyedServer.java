package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.auth.Role;
import io.nommer.core.store.Store;
import io.nommer.ffmpeg.testing.TestMedia;
import io.nommer.server.ApiClient.Reply;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real server that requires API keys (SQLite, one ffmpeg worker), bootstrapped as an operator does: an admin key
 * made on the store before the server starts; tenants' keys made by the admin through the API. Closing it stops the
 * server and checks that every request and answer followed the OpenAPI document.
 */
final class KeyedServer implements AutoCloseable {
    final NommerServer server;
    final ApiClient anonymous;
    final ApiClient admin;

    private KeyedServer(NommerServer server, String adminKey) {
        this.server = server;
        this.anonymous = new ApiClient(server.baseUrl());
        this.admin = anonymous.withKey(adminKey);
    }

    /** @param settings beyond the port, data folder, one worker and {@code auth keys} */
    static KeyedServer start(Path dir, Map<String, String> settings) {
        TestMedia.requireFfmpeg();
        Map<String, String> all = new HashMap<>(
                Map.of("port", "0", "data", dir.resolve("data").toString(), "workers", "1", "auth", "keys"));
        all.putAll(settings);
        ServerConfig config = ConfigLoader.load(all, Map.of());
        String adminKey;
        try (Store store = NommerServer.openStore(config)) {
            adminKey = store.keys().create("ops", Role.ADMIN, null, null).token();
        }
        return new KeyedServer(NommerServer.start(config), adminKey);
    }

    /** A new tenant's key, made by the admin, and the client that sends it. */
    ApiClient tenant(String name) {
        Reply made = admin.post("/v1/keys", "{\"tenant\": \"" + name + "\"}");
        assertThat(made.status()).as("%s", made.body()).isEqualTo(201);
        return anonymous.withKey(made.body().path("key").asText());
    }

    @Override
    public void close() {
        server.close();
        assertThat(anonymous.openapi.violations())
                .as("requests and responses that break the OpenAPI document")
                .isEmpty();
    }
}
