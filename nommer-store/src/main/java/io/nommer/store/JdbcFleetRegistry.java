package io.nommer.store;

import static io.nommer.store.Sql.instant;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.CloudPrice;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.TaskCounts;
import io.nommer.core.fleet.WorkerStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link FleetRegistry} on JDBC: the clouds and workers tables. */
final class JdbcFleetRegistry implements FleetRegistry {
    /** A cloud's columns and its price now: the latest of its prices. */
    private static final String CLOUD_COLUMNS = "name, priority, created_at, updated_at, scaling, scaling_status, "
            + "(SELECT price_per_core_hour FROM cloud_prices p WHERE p.cloud = clouds.name "
            + "ORDER BY effective_at DESC LIMIT 1) AS price_per_core_hour";

    private final Sql sql;

    JdbcFleetRegistry(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Cloud putCloud(String name, int priority) {
        if (!Cloud.validName(name)) {
            throw new IllegalArgumentException("invalid cloud name: " + name);
        }
        return sql.inTransaction("storing cloud " + name, c -> {
            long now = sql.now(c);
            update(
                    c,
                    "INSERT INTO clouds (name, priority, created_at, updated_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (name) DO UPDATE SET priority = excluded.priority, updated_at = excluded.updated_at",
                    name,
                    priority,
                    now,
                    now);
            return loadCloud(c, name).orElseThrow();
        });
    }

    @Override
    public Optional<Cloud> priceCloud(String name, double pricePerCoreHour) {
        if (!(pricePerCoreHour >= 0) || Double.isInfinite(pricePerCoreHour)) {
            throw new IllegalArgumentException("invalid price per core-hour: " + pricePerCoreHour);
        }
        return sql.inTransaction("pricing cloud " + name, c -> {
            Optional<Cloud> cloud = loadCloud(c, name);
            if (cloud.isEmpty() || cloud.get().pricePerCoreHour() == pricePerCoreHour) {
                return cloud;
            }
            long now = sql.now(c);
            // why: two changes within one millisecond keep the later one, as the history's key is the moment
            update(
                    c,
                    "INSERT INTO cloud_prices (cloud, effective_at, price_per_core_hour) VALUES (?, ?, ?) "
                            + "ON CONFLICT (cloud, effective_at) DO UPDATE SET "
                            + "price_per_core_hour = excluded.price_per_core_hour",
                    name,
                    now,
                    pricePerCoreHour);
            update(c, "UPDATE clouds SET updated_at = ? WHERE name = ?", now, name);
            return loadCloud(c, name);
        });
    }

    @Override
    public List<CloudPrice> prices() {
        return sql.read("listing cloud prices", c -> {
            List<CloudPrice> prices = new ArrayList<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT cloud, effective_at, price_per_core_hour FROM cloud_prices ORDER BY cloud, effective_at");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    prices.add(new CloudPrice(
                            rs.getString("cloud"), instant(rs, "effective_at"), rs.getDouble("price_per_core_hour")));
                }
            }
            return prices;
        });
    }

    @Override
    public Optional<Cloud> findCloud(String name) {
        return sql.read("loading cloud " + name, c -> loadCloud(c, name));
    }

    @Override
    public List<Cloud> listClouds() {
        return sql.read("listing clouds", c -> {
            List<Cloud> clouds = new ArrayList<>();
            try (PreparedStatement ps =
                            prepare(c, "SELECT " + CLOUD_COLUMNS + " FROM clouds ORDER BY priority DESC, name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    clouds.add(cloud(rs));
                }
            }
            return clouds;
        });
    }

    @Override
    public boolean deleteCloud(String name) {
        if (Cloud.DEFAULT.equals(name)) {
            throw new IllegalStateException("the default cloud cannot be deleted");
        }
        return sql.inTransaction("deleting cloud " + name, c -> {
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT COUNT(*) FROM tasks WHERE cloud = ? AND state IN " + JobRows.ACTIVE_STATES,
                            name);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    throw new IllegalStateException(
                            "cloud " + name + " has " + rs.getInt(1) + " queued or running task(s)");
                }
            }
            return update(c, "DELETE FROM clouds WHERE name = ?", name) > 0;
        });
    }

    private static Optional<Cloud> loadCloud(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT " + CLOUD_COLUMNS + " FROM clouds WHERE name = ?", name);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(cloud(rs)) : Optional.empty();
        }
    }

    private static Cloud cloud(ResultSet rs) throws SQLException {
        return new Cloud(
                rs.getString("name"),
                rs.getInt("priority"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                rs.getDouble("price_per_core_hour"),
                JsonColumns.scaling(rs.getString("scaling")),
                JsonColumns.scalingStatus(rs.getString("scaling_status")));
    }

    @Override
    public Optional<Cloud> scaleCloud(String name, ScalingPolicy policy) {
        return sql.inTransaction("setting the scaling of cloud " + name, c -> {
            long now = sql.now(c);
            int changed = update(
                    c,
                    "UPDATE clouds SET scaling = ?, scaling_status = NULL, updated_at = ? WHERE name = ?",
                    JsonColumns.scaling(policy),
                    now,
                    name);
            return changed == 0 ? Optional.<Cloud>empty() : loadCloud(c, name);
        });
    }

    @Override
    public void recordScaling(String cloud, ScalingStatus status) {
        sql.inTransaction(
                "recording the scaling of cloud " + cloud,
                c -> update(
                        c,
                        "UPDATE clouds SET scaling_status = ? WHERE name = ?",
                        JsonColumns.scalingStatus(status),
                        cloud));
    }

    @Override
    public boolean holdScaler(String holder, Duration ttl) {
        return sql.inTransaction("holding the scaler's lease", c -> {
            long now = sql.now(c);
            // why: one statement decides, so two orchestrators racing for an expired lease cannot both win
            return update(
                            c,
                            "UPDATE scaler_lease SET holder = ?, expires_at = ? "
                                    + "WHERE name = 'scaler' AND (holder = ? OR holder IS NULL OR expires_at < ?)",
                            holder,
                            now + ttl.toMillis(),
                            holder,
                            now)
                    == 1;
        });
    }

    @Override
    public void releaseScaler(String holder) {
        sql.inTransaction(
                "releasing the scaler's lease",
                c -> update(
                        c,
                        "UPDATE scaler_lease SET holder = NULL, expires_at = 0 WHERE name = 'scaler' AND holder = ?",
                        holder));
    }

    @Override
    public Map<String, TaskCounts> taskCounts() {
        return sql.read("counting the tasks that want a worker", c -> {
            long now = sql.now(c);
            Map<String, TaskCounts> counts = new HashMap<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT cloud, SUM(CASE WHEN state = 'running' THEN 0 ELSE 1 END) AS runnable, "
                                    + "SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END) AS running FROM tasks "
                                    + "WHERE state = 'running' OR (state = 'queued' AND run_after <= ? AND waiting_on = 0) "
                                    + "GROUP BY cloud",
                            now);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString("cloud"), new TaskCounts(rs.getInt("runnable"), rs.getInt("running")));
                }
            }
            return counts;
        });
    }

    @Override
    public void recordWorker(WorkerStatus w) {
        sql.inTransaction("recording worker " + w.id(), c -> {
            long now = sql.now(c);
            return update(
                    c,
                    "INSERT INTO workers (id, clouds, slots, active, host, encoder, started_at, last_seen, stacks) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                            + "clouds = excluded.clouds, slots = excluded.slots, active = excluded.active, "
                            + "host = excluded.host, encoder = excluded.encoder, last_seen = excluded.last_seen, "
                            + "stacks = excluded.stacks",
                    w.id(),
                    String.join(",", w.clouds()),
                    w.slots(),
                    w.active(),
                    w.host(),
                    w.encoder(),
                    now,
                    now,
                    JsonColumns.stacks(w.stacks()));
        });
    }

    @Override
    public void removeWorker(String workerId) {
        sql.inTransaction("removing worker " + workerId, c -> update(c, "DELETE FROM workers WHERE id = ?", workerId));
    }

    @Override
    public List<WorkerStatus> listWorkers(Duration seenWithin) {
        return sql.inTransaction("listing workers", c -> {
            update(c, "DELETE FROM workers WHERE last_seen < ?", sql.now(c) - seenWithin.toMillis());
            List<WorkerStatus> workers = new ArrayList<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT id, clouds, slots, active, host, encoder, started_at, "
                                    + "last_seen, stacks FROM workers ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    workers.add(new WorkerStatus(
                            rs.getString("id"),
                            List.of(rs.getString("clouds").split(",")),
                            rs.getInt("slots"),
                            rs.getInt("active"),
                            rs.getString("host"),
                            rs.getString("encoder"),
                            instant(rs, "started_at"),
                            instant(rs, "last_seen"),
                            JsonColumns.stacks(rs.getString("stacks"))));
                }
            }
            return workers;
        });
    }
}
