package io.nommer.store.sqlite;

import io.nommer.core.store.Store;
import io.nommer.store.StoreContract;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    protected Store newStore(InstantSource clock) {
        return SqliteStores.open(dir.resolve("data/nommer.db"), clock);
    }
}
