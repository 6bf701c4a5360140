package io.nommer.store;

import io.nommer.core.activity.ActivityStore;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.job.JobStore;
import io.nommer.core.metrics.StoreMetrics;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.retention.RetentionStore;
import io.nommer.core.storage.UploadOwners;
import io.nommer.core.store.Store;
import io.nommer.core.tenant.TenantQuotas;
import io.nommer.core.webhook.WebhookOutbox;
import java.time.InstantSource;
import javax.sql.DataSource;

/**
 * The {@link Store} on JDBC: one data source and dialect behind its ports. All SQL is shared by every engine
 * ({@link Sql} holds the plumbing); what differs sits behind {@link Dialect}. The schema comes from
 * {@link Migrations}.
 */
public final class JdbcStore implements Store {
    private final Sql sql;
    private final JdbcJobStore jobs;
    private final JdbcTaskQueue queue;
    private final JdbcFleetRegistry fleet;
    private final JdbcProfileStore profiles;
    private final JdbcWebhookOutbox outbox;
    private final JdbcApiKeys keys;
    private final JdbcUploadOwners uploadOwners;
    private final JdbcTenantQuotas quotas;
    private final JdbcRetention retention;
    private final JdbcStoreMetrics metrics;
    private final JdbcActivity activity;

    /**
     * A store on {@code dataSource}, closed with the store when it is {@link AutoCloseable}.
     *
     * @param clock "now" for tests that step time; null for database time
     */
    public JdbcStore(DataSource dataSource, Dialect dialect, InstantSource clock) {
        this.sql = new Sql(dataSource, dialect, clock);
        JobFinisher finisher = new JobFinisher(sql);
        this.jobs = new JdbcJobStore(sql, finisher);
        this.queue = new JdbcTaskQueue(sql, finisher);
        this.fleet = new JdbcFleetRegistry(sql);
        this.profiles = new JdbcProfileStore(sql);
        this.outbox = new JdbcWebhookOutbox(sql, finisher);
        this.keys = new JdbcApiKeys(sql);
        this.uploadOwners = new JdbcUploadOwners(sql);
        this.retention = new JdbcRetention(sql);
        this.quotas = new JdbcTenantQuotas(sql);
        this.metrics = new JdbcStoreMetrics(sql);
        this.activity = new JdbcActivity(sql);
    }

    @Override
    public TenantQuotas quotas() {
        return quotas;
    }

    @Override
    public ApiKeys keys() {
        return keys;
    }

    @Override
    public UploadOwners uploadOwners() {
        return uploadOwners;
    }

    @Override
    public RetentionStore retention() {
        return retention;
    }

    @Override
    public StoreMetrics metrics() {
        return metrics;
    }

    /** The connection pool, for binding its metrics; the store still owns it. */
    public DataSource dataSource() {
        return sql.dataSource();
    }

    @Override
    public ActivityStore activity() {
        return activity;
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public TaskQueue queue() {
        return queue;
    }

    @Override
    public FleetRegistry fleet() {
        return fleet;
    }

    @Override
    public ProfileStore profiles() {
        return profiles;
    }

    @Override
    public WebhookOutbox outbox() {
        return outbox;
    }

    @Override
    public void close() {
        if (sql.dataSource() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new StoreException("closing the " + sql.dialect().name() + " store failed", e);
            }
        }
    }
}
