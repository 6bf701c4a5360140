package io.nommer.store;

import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.core.tenant.TenantQuotas;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** {@link TenantQuotas} on JDBC: the limit columns of the tenants table, and counts read from the queue's indexes. */
final class JdbcTenantQuotas implements TenantQuotas {
    private final Sql sql;

    JdbcTenantQuotas(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Optional<TenantLimits> limits(String tenant) {
        return sql.read("reading the limits of tenant " + tenant, c -> load(c, tenant));
    }

    @Override
    public TenantLimits setLimits(String tenant, TenantLimits limits) {
        Objects.requireNonNull(limits, "limits");
        return sql.inTransaction("setting the limits of tenant " + tenant, c -> {
            update(
                    c,
                    "INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    tenant,
                    sql.now(c));
            List<Object> args = new ArrayList<>();
            for (TenantLimit l : TenantLimit.values()) {
                args.add(limits.get(l));
            }
            args.add(tenant);
            update(
                    c,
                    "UPDATE tenants SET " + FairShare.LIMIT_COLUMNS.replaceAll("(\\w+)", "$1 = ?") + " WHERE name = ?",
                    args.toArray());
            return load(c, tenant).orElseThrow();
        });
    }

    private static Optional<TenantLimits> load(Connection c, String tenant) throws SQLException {
        try (PreparedStatement ps =
                        prepare(c, "SELECT " + FairShare.LIMIT_COLUMNS + " FROM tenants WHERE name = ?", tenant);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(FairShare.limits(rs, 1)) : Optional.empty();
        }
    }

    @Override
    public long runningTasks(String tenant) {
        return sql.read("counting the running tasks of tenant " + tenant, c -> {
            try (PreparedStatement ps =
                            prepare(c, "SELECT COUNT(*) FROM tasks WHERE state = 'running' AND tenant = ?", tenant);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public long queuedJobs(String tenant, long atMost) {
        if (atMost <= 0) {
            return 0;
        }
        // why: the queue index is by cloud and priority first, so the tenant's queued tasks are read band by band
        // (each band found with one probe), never by walking other tenants' tasks
        return sql.read("counting the queued jobs of tenant " + tenant, c -> {
            Set<String> jobs = new HashSet<>();
            for (String cloud : queuedClouds(c)) {
                int below = Integer.MAX_VALUE;
                Integer band;
                while (jobs.size() < atMost && (band = nextBand(c, cloud, below)) != null) {
                    try (PreparedStatement ps = prepare(
                                    c,
                                    "SELECT job_id FROM tasks WHERE state = 'queued' AND cloud = ? AND priority = ? "
                                            + "AND tenant = ? LIMIT ?",
                                    cloud,
                                    band,
                                    tenant,
                                    atMost);
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next() && jobs.size() < atMost) {
                            jobs.add(rs.getString(1));
                        }
                    }
                    below = band;
                }
            }
            return (long) jobs.size();
        });
    }

    /** The clouds with tasks queued, each found with one probe of the queue index. */
    private static List<String> queuedClouds(Connection c) throws SQLException {
        List<String> clouds = new ArrayList<>();
        String after = null;
        while (true) {
            try (PreparedStatement ps = after == null
                            ? prepare(c, "SELECT cloud FROM tasks WHERE state = 'queued' ORDER BY cloud LIMIT 1")
                            : prepare(
                                    c,
                                    "SELECT cloud FROM tasks WHERE state = 'queued' AND cloud > ? ORDER BY cloud LIMIT 1",
                                    after);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return clouds;
                }
                after = rs.getString(1);
                clouds.add(after);
            }
        }
    }

    private static Integer nextBand(Connection c, String cloud, int below) throws SQLException {
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT priority FROM tasks WHERE state = 'queued' AND cloud = ? AND priority < ? "
                                + "ORDER BY priority DESC LIMIT 1",
                        cloud,
                        below);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : null;
        }
    }

    @Override
    public Uploads uploads(String tenant, Duration window, long limit) {
        return sql.read("counting the uploads of tenant " + tenant, c -> {
            long now = sql.now(c);
            long since = now - window.toMillis();
            long count;
            try (PreparedStatement ps = prepare(
                            c, "SELECT COUNT(*) FROM uploads WHERE tenant = ? AND created_at > ?", tenant, since);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
            if (count < limit || limit <= 0) {
                return new Uploads(count, Duration.ZERO);
            }
            // the window holds fewer than the limit once its (count - limit + 1) oldest uploads have left it
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT created_at FROM uploads WHERE tenant = ? AND created_at > ? ORDER BY created_at "
                                    + "LIMIT 1 OFFSET ?",
                            tenant,
                            since,
                            count - limit);
                    ResultSet rs = ps.executeQuery()) {
                long leaves = rs.next() ? rs.getLong(1) + window.toMillis() + 1 : now;
                return new Uploads(count, Duration.ofMillis(Math.max(0, leaves - now)));
            }
        });
    }
}
