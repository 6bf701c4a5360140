package io.nommer.store;

import static io.nommer.store.Sql.prepare;

import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Chooses the tasks of one claim, inside the claim's transaction: band by band (a cloud tier's highest task priority
 * first), and within a band the tenants' tasks in tag order ({@link FairShare}), each tenant's oldest first, holding
 * tenants to their running-task limits. Each chosen task is locked (PostgreSQL: {@code FOR UPDATE SKIP LOCKED}), so it
 * is still queued when the caller leases it.
 *
 * <p>A band with one tenant and no limit (the common case) costs two statements: the band's tenants, and that tenant's
 * tasks. With several tenants the claim plans how many tasks each gets, as if each tenant's tags after its first were
 * consecutive, and asks each for that many; a tenant with fewer runnable tasks than planned leaves its share to the
 * others. Tags are not always consecutive (a retried task keeps its old tag), so a batch can lean to one tenant; the
 * next claim reads the heads afresh.
 */
final class FairClaim {
    /**
     * A chosen task, where its row is ({@link Dialect#rowLocator}: locked, it stays there), its tenant's limits in
     * force, and whether it started before (a retry, a task given back).
     */
    record Pick(String id, String jobId, String row, String tenant, TenantLimits limits, boolean restarted) {}

    private final Connection c;
    private final Dialect dialect;
    private final long now;
    private final TenantLimits defaults;
    private final int max;
    /** The claiming worker's stacks; null: any (see {@link #stackFilter}). */
    private final List<String> stacks;

    private final List<Pick> picks = new ArrayList<>();
    /** Tasks each limited tenant may still start in this claim; absent for tenants without a running limit. */
    private final Map<String, Long> room = new HashMap<>();
    /** Whether this transaction holds any tenant's lock (PostgreSQL), see {@link #countRoom}. */
    private boolean holdsTenantLock;

    FairClaim(Connection c, Dialect dialect, long now, TenantLimits defaults, int max, List<String> stacks) {
        this.stacks = stacks == null ? null : List.copyOf(stacks);
        this.c = c;
        this.dialect = dialect;
        this.now = now;
        this.defaults = defaults;
        this.max = max;
    }

    List<Pick> picks() {
        return picks;
    }

    /**
     * The condition that keeps a worker to tasks of its stacks (or of none), after the queue index's own: the bands
     * and heads stay the whole queue's, so a tenant's place among the others does not depend on who claims; a head
     * this worker cannot take only leaves its turn to the next tenant. Empty for a worker that takes any stack.
     */
    private String stackFilter(List<Object> args) {
        if (stacks == null) {
            return "";
        }
        if (stacks.isEmpty()) {
            return " AND stack IS NULL";
        }
        args.addAll(stacks);
        return " AND (stack IS NULL OR stack IN (" + Sql.placeholders(stacks.size()) + "))";
    }

    /** Chooses from the clouds of one tier (equal cloud priority), highest task priority first, until full. */
    void fillFrom(List<String> tier) throws SQLException {
        if (tier.size() == 1 && takeAlone(tier.get(0))) {
            return;
        }
        Map<String, FairShare.Band> bands = new LinkedHashMap<>();
        for (String cloud : tier) {
            bands.put(cloud, FairShare.band(c, cloud, Integer.MAX_VALUE));
        }
        while (picks.size() < max) {
            int top = bands.values().stream()
                    .filter(b -> !b.isEmpty())
                    .mapToInt(FairShare.Band::priority)
                    .max()
                    .orElse(Integer.MIN_VALUE);
            if (top == Integer.MIN_VALUE) {
                return;
            }
            List<Stream> streams = new ArrayList<>();
            for (FairShare.Band b : bands.values()) {
                if (!b.isEmpty() && b.priority() == top) {
                    // why: tags of different clouds started from different times; within its cloud, a tenant's place
                    // is its distance from the cloud's first head, so clouds of one tier take turns too
                    long first = b.heads().stream()
                            .mapToLong(FairShare.Head::tag)
                            .min()
                            .orElseThrow();
                    for (FairShare.Head h : b.heads()) {
                        streams.add(new Stream(b.cloud(), top, h, h.tag() - first));
                    }
                }
            }
            takeFromBand(streams);
            if (picks.size() >= max) {
                return;
            }
            for (FairShare.Band b : List.copyOf(bands.values())) {
                if (!b.isEmpty() && b.priority() == top) {
                    bands.put(b.cloud(), FairShare.band(c, b.cloud(), top));
                }
            }
        }
    }

    /** A task as the queue index orders them, for {@link #takeAlone}. */
    private record Row(String id, String jobId, String row, int priority, String tenant, boolean restarted) {}

    /**
     * The common case in one statement and a probe: the cloud's runnable tasks in index order (band, tenant, tag), as
     * the claim took them before tenants shared the queue, accepted when that order is also the fair one. It is when
     * nothing runnable was left behind (the claim took it all, so no tenant waits for a turn) or when only one tenant
     * was taken from and no other waits in the last band it was taken from (earlier bands, left for a lower one, had
     * nothing else runnable); and when no tenant taken from has a running limit, which needs counting. Otherwise the
     * rows locked here stay queued (their locks end with the transaction) and the fair path chooses.
     *
     * @return whether the claim is done with this cloud
     */
    private boolean takeAlone(String cloud) throws SQLException {
        int wanted = max - picks.size();
        List<Row> rows = new ArrayList<>();
        List<Object> args = new ArrayList<>(List.of(cloud, now));
        String stack = stackFilter(args);
        args.add(wanted);
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT id, job_id, priority, tenant, started_at IS NOT NULL, " + dialect.rowLocator()
                                + " FROM tasks WHERE state = 'queued' AND cloud = ? "
                                + "AND run_after <= ? AND waiting_on = 0" + stack
                                + " ORDER BY priority DESC, tenant, fair_tag, seq LIMIT ?" + dialect.skipLocked(),
                        args.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(6),
                        rs.getInt(3),
                        rs.getString(4),
                        rs.getBoolean(5)));
            }
        }
        if (rows.isEmpty()) {
            return true;
        }
        List<String> tenants = rows.stream().map(Row::tenant).distinct().toList();
        boolean full = rows.size() == wanted;
        if (full && tenants.size() > 1) {
            return false;
        }
        Map<String, TenantLimits> limits = new HashMap<>();
        boolean othersWait = false;
        if (tenants.size() == 1) {
            Row last = rows.getLast();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT " + FairShare.LIMIT_COLUMNS_OF_N + ", "
                                    + FairShare.OTHER_TENANT_AFTER
                                    + " FROM (SELECT 1 AS one) x LEFT JOIN tenants n ON n.name = ?",
                            cloud,
                            last.priority(),
                            last.tenant(),
                            last.tenant());
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                limits.put(last.tenant(), FairShare.limits(rs, 1).over(defaults));
                othersWait = full && rs.getObject(TenantLimit.values().length + 1) != null;
            }
        } else {
            limits.putAll(FairShare.limitsOf(c, tenants, defaults));
        }
        if (othersWait || limits.values().stream().anyMatch(l -> l.limits(TenantLimit.MAX_RUNNING_TASKS))) {
            return false;
        }
        for (Row r : rows) {
            picks.add(new Pick(r.id(), r.jobId(), r.row(), r.tenant(), limits.get(r.tenant()), r.restarted()));
        }
        return true;
    }

    /** One tenant's tasks in one cloud and band, and how many this claim has taken from it so far. */
    private final class Stream {
        final String cloud;
        final int priority;
        final String tenant;
        final TenantLimits limits;
        /** Where the stream's first task stands among the band's (its tag, from the cloud's first head). */
        final long place;

        final long headSeq;
        int taken;
        boolean exhausted;
        /** The last task taken (tag, seq), to continue after it: this transaction's own locks are not skipped. */
        Long lastTag;

        long lastSeq;

        Stream(String cloud, int priority, FairShare.Head head, long place) {
            this.cloud = cloud;
            this.priority = priority;
            this.tenant = head.tenant();
            this.limits = head.limits().over(defaults);
            this.place = place;
            this.headSeq = head.seq();
        }
    }

    private void takeFromBand(List<Stream> streams) throws SQLException {
        List<Stream> open = new ArrayList<>();
        for (Stream s : streams) {
            countRoom(s);
            if (roomOf(s) > 0) {
                open.add(s);
            }
        }
        List<Placed> band = new ArrayList<>();
        while (picks.size() + band.size() < max && !open.isEmpty()) {
            Map<Stream, Integer> plan = plan(open, max - picks.size() - band.size());
            if (plan.isEmpty()) {
                break;
            }
            boolean shortfall = false;
            for (Map.Entry<Stream, Integer> e : plan.entrySet()) {
                Stream s = e.getKey();
                int got = take(s, e.getValue(), band);
                if (got < e.getValue()) {
                    s.exhausted = true;
                    shortfall = true;
                }
            }
            open.removeIf(s -> s.exhausted || roomOf(s) <= 0);
            if (!shortfall) {
                break;
            }
        }
        // the band's tasks in the order of their places, as if claimed one at a time
        band.sort(Comparator.comparingLong(Placed::place).thenComparingLong(Placed::headSeq));
        band.forEach(p -> picks.add(p.pick));
    }

    private record Placed(Pick pick, long place, long headSeq) {}

    /**
     * How many of {@code wanted} tasks each open stream gets: one at a time to the stream whose next task has the
     * lowest place (its first task's place plus what it got), ties to the older first task, within each tenant's room.
     */
    private Map<Stream, Integer> plan(List<Stream> open, int wanted) {
        if (open.size() == 1) {
            Stream s = open.get(0);
            return Map.of(s, (int) Math.min(wanted, roomOf(s)));
        }
        Map<Stream, Integer> plan = new LinkedHashMap<>();
        Map<String, Long> left = new HashMap<>();
        PriorityQueue<Stream> next =
                new PriorityQueue<>(Comparator.<Stream>comparingLong(s -> s.place + s.taken + plan.getOrDefault(s, 0))
                        .thenComparingLong(s -> s.headSeq));
        next.addAll(open);
        int planned = 0;
        while (planned < wanted && !next.isEmpty()) {
            Stream s = next.poll();
            long room = left.computeIfAbsent(s.tenant, t -> roomOf(s));
            if (room <= 0) {
                continue;
            }
            left.put(s.tenant, room - 1);
            plan.merge(s, 1, Integer::sum);
            planned++;
            next.add(s);
        }
        return plan;
    }

    /** Locks up to {@code n} of the stream's runnable tasks, oldest tag first, after those taken before. */
    private int take(Stream s, int n, List<Placed> band) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(s.cloud, s.priority, s.tenant, now));
        String after = "";
        if (s.lastTag != null) {
            after = " AND (fair_tag, seq) > (?, ?)";
            args.add(s.lastTag);
            args.add(s.lastSeq);
        }
        after += stackFilter(args);
        args.add(n);
        int got = 0;
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT id, job_id, fair_tag, seq, started_at IS NOT NULL, " + dialect.rowLocator()
                                + " FROM tasks WHERE state = 'queued' AND cloud = ? "
                                + "AND priority = ? AND tenant = ? AND run_after <= ? AND waiting_on = 0" + after
                                + " ORDER BY fair_tag, seq LIMIT ?" + dialect.skipLocked(),
                        args.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                band.add(new Placed(
                        new Pick(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(6),
                                s.tenant,
                                s.limits,
                                rs.getBoolean(5)),
                        s.place + s.taken,
                        s.headSeq));
                s.taken++;
                s.lastTag = rs.getLong(3);
                s.lastSeq = rs.getLong(4);
                got++;
            }
        }
        long started = got;
        room.computeIfPresent(s.tenant, (t, r) -> r - started);
        return got;
    }

    /** How many more tasks the stream's tenant may start in this claim ({@link #countRoom} first). */
    private long roomOf(Stream s) {
        return room.getOrDefault(s.tenant, Long.MAX_VALUE);
    }

    /**
     * For a tenant with a running limit, once per claim: its limit less what runs, counted under the tenant's lock
     * (PostgreSQL), so that concurrent claims cannot both see the last free place. why: a claim waits for a tenant's
     * lock only while it holds no other tenant's, and otherwise skips a tenant whose lock is taken; so two claims
     * never wait for each other (no deadlock), and the claims of one tenant at its limit queue one behind the other.
     */
    private void countRoom(Stream s) throws SQLException {
        if (room.containsKey(s.tenant) || !s.limits.limits(TenantLimit.MAX_RUNNING_TASKS)) {
            return;
        }
        long left = locked(s.tenant)
                ? Math.max(0, s.limits.effective(TenantLimit.MAX_RUNNING_TASKS) - running(s.tenant))
                : 0;
        room.put(s.tenant, left);
    }

    private boolean locked(String tenant) throws SQLException {
        String lock = holdsTenantLock ? dialect.tryLockKey() : dialect.lockKey();
        if (lock == null) {
            return true;
        }
        try (PreparedStatement ps = prepare(c, lock, "nommer-tenant-running:" + tenant);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            boolean got = !holdsTenantLock || rs.getBoolean(1);
            holdsTenantLock |= got;
            return got;
        }
    }

    private long running(String tenant) throws SQLException {
        try (PreparedStatement ps =
                        prepare(c, "SELECT COUNT(*) FROM tasks WHERE state = 'running' AND tenant = ?", tenant);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
