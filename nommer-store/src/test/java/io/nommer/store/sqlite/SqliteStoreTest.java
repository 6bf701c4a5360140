package io.nommer.store.sqlite;

import io.nommer.core.store.Store;
import io.nommer.store.ActivityContract;
import io.nommer.store.ApiKeysContract;
import io.nommer.store.FleetRegistryContract;
import io.nommer.store.JobStoreContract;
import io.nommer.store.ProfileStoreContract;
import io.nommer.store.RetentionContract;
import io.nommer.store.StoreMetricsContract;
import io.nommer.store.TaskQueueContract;
import io.nommer.store.TenantFairnessContract;
import io.nommer.store.TenantQuotasContract;
import io.nommer.store.WebhookOutboxContract;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store contracts on SQLite: every test on a fresh database file. */
class SqliteStoreTest {
    @TempDir
    static Path dir;

    private static final AtomicInteger databases = new AtomicInteger();

    static Store open(InstantSource clock) {
        return SqliteStores.open(dir.resolve("db-" + databases.incrementAndGet() + "/nommer.db"), clock);
    }

    @Nested
    class Jobs extends JobStoreContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Queue extends TaskQueueContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Fleet extends FleetRegistryContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Profiles extends ProfileStoreContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Keys extends ApiKeysContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Outbox extends WebhookOutboxContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Fairness extends TenantFairnessContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Quotas extends TenantQuotasContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Retention extends RetentionContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Metrics extends StoreMetricsContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }

    @Nested
    class Activity extends ActivityContract {
        @Override
        protected Store newStore(InstantSource clock) {
            return open(clock);
        }
    }
}
