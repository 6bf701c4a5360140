package io.nommer.store.postgres;

import io.nommer.core.store.Store;
import io.nommer.store.StoreContract;
import java.io.IOException;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresStoreTest extends StoreContract {
    static EmbeddedPostgresServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedPostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Store newStore(InstantSource clock) {
        return PostgresStores.open(server.newDatabaseUrl(), clock);
    }
}
