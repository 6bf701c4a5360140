package io.nommer.core.store;

import io.nommer.core.activity.ActivityStore;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.job.JobStore;
import io.nommer.core.metrics.StoreMetrics;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.retention.RetentionStore;
import io.nommer.core.storage.UploadOwners;
import io.nommer.core.tenant.TenantQuotas;
import io.nommer.core.webhook.WebhookOutbox;

/**
 * Durable state, by role: one engine (SQLite, PostgreSQL) opened once behind its ports. Code takes the port it needs,
 * never the whole store; this is what opens and closes them together.
 */
public interface Store extends AutoCloseable {
    JobStore jobs();

    TaskQueue queue();

    FleetRegistry fleet();

    ProfileStore profiles();

    WebhookOutbox outbox();

    ApiKeys keys();

    UploadOwners uploadOwners();

    /** Each tenant's limits and what it uses of them. */
    TenantQuotas quotas();

    RetentionStore retention();

    /** Totals and queue figures for {@code /metrics}. */
    StoreMetrics metrics();

    /** What jobs did over a recent window, for the dashboard's plots. */
    ActivityStore activity();

    /** Releases the engine's connections. */
    @Override
    void close();
}
