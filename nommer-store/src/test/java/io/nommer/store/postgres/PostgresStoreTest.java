package io.nommer.store.postgres;

import io.nommer.core.store.Store;
import io.nommer.store.StoreContract;
import java.time.InstantSource;
import org.junit.jupiter.api.BeforeAll;

class PostgresStoreTest extends StoreContract {
    static EmbeddedPostgresServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedPostgresServer.shared();
    }

    @Override
    protected Store newStore(InstantSource clock) {
        return PostgresStores.open(server.newDatabaseUrl(), clock);
    }
}
