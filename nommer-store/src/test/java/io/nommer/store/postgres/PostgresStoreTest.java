package io.nommer.store.postgres;

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
import java.time.InstantSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The store contracts on PostgreSQL: every test on a fresh database of one embedded server. */
class PostgresStoreTest {
    static EmbeddedPostgresServer server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedPostgresServer.shared();
    }

    static Store open(InstantSource clock) {
        return PostgresStores.open(server.newDatabaseUrl(), clock);
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
