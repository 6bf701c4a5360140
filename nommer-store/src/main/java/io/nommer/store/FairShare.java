package io.nommer.store;

import static io.nommer.store.Sql.prepare;

import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How tenants share the queue: the tags that order each tenant's tasks among other tenants' (written when tasks are
 * queued), and the tenants waiting in one band of the queue (read by claims and by the tagging itself).
 *
 * <p>why: fairness is start-time fair queuing (as network schedulers share a link between flows). A band is one cloud
 * and one task priority; each queued task carries a {@code fair_tag}: a tenant's tasks take consecutive tags from
 * {@code max(V, its last queued tag + 1)}, where V, the band's virtual time, is the highest tag at the head of any
 * tenant's queue there (or the current time when the band is empty). A tenant queueing 100,000 tasks gets 100,000 tags
 * from V on; another tenant's single task, queued a moment later, gets a tag near V, and claims take each tenant's
 * next task in tag order, so it waits for about one task per other busy tenant, not for the 100,000. The order lives
 * in the tasks themselves: a claim writes nothing to be fair (no row every claim of a tenant would update, which
 * concurrent claims would queue on), and reads the band's tenants and their next tags from the queue index
 * ({@code tasks_claim}: cloud, priority, tenant, fair_tag, seq) with one probe per tenant, so it costs the same with
 * a million tasks queued; a tenant's own tasks come from the same index in order. Counting how many tasks each tenant
 * runs was the other way considered: with one worker slot every count is zero at each claim, and the oldest tenant
 * would then always win.
 */
final class FairShare {
    /** The limit columns of the tenants table, in {@link TenantLimit} order. */
    static final String LIMIT_COLUMNS = String.join(
            ", ",
            java.util.Arrays.stream(TenantLimit.values())
                    .map(TenantLimit::wireName)
                    .toList());

    /** {@link #LIMIT_COLUMNS} of the tenants table named {@code n}. */
    static final String LIMIT_COLUMNS_OF_N = LIMIT_COLUMNS.replaceAll("(\\w+)", "n.$1");

    /**
     * The highest band of {@code cloud} below priority {@code ?} with tasks queued, and each tenant with tasks queued
     * there: its name, the tag and seq of its first task, and its own limits. A loose index scan: one index probe per
     * tenant, whatever the depth of the queue.
     */
    private static final String BAND = "WITH RECURSIVE band(p) AS ("
            + "SELECT priority FROM tasks WHERE state = 'queued' AND cloud = ? AND priority < ? "
            + "ORDER BY priority DESC LIMIT 1), "
            + "waiting(tenant) AS ("
            + "SELECT (SELECT t.tenant FROM tasks t WHERE t.state = 'queued' AND t.cloud = ? "
            + "AND t.priority = (SELECT p FROM band) ORDER BY t.tenant LIMIT 1) "
            + "UNION ALL "
            + "SELECT (SELECT t.tenant FROM tasks t WHERE t.state = 'queued' AND t.cloud = ? "
            + "AND t.priority = (SELECT p FROM band) AND t.tenant > w.tenant ORDER BY t.tenant LIMIT 1) "
            + "FROM waiting w WHERE w.tenant IS NOT NULL) "
            + "SELECT (SELECT p FROM band), w.tenant, "
            + "(SELECT h.fair_tag FROM tasks h WHERE h.state = 'queued' AND h.cloud = ? "
            + "AND h.priority = (SELECT p FROM band) AND h.tenant = w.tenant ORDER BY h.fair_tag, h.seq LIMIT 1), "
            + "(SELECT h.seq FROM tasks h WHERE h.state = 'queued' AND h.cloud = ? "
            + "AND h.priority = (SELECT p FROM band) AND h.tenant = w.tenant ORDER BY h.fair_tag, h.seq LIMIT 1), "
            + LIMIT_COLUMNS_OF_N
            + " FROM waiting w LEFT JOIN tenants n ON n.name = w.tenant WHERE w.tenant IS NOT NULL";

    // why ORDER BY: a generic plan (a prepared statement after five runs) does not know the tenant, guesses that a
    // third
    // of the band matches, and takes a sequential scan that stops at the first match; when none matches (one tenant,
    // the common case) it read the whole queue, 166 ms at 100,000 queued. In index order no plan beats the index.
    /** Whether a tenant other than {@code ?} waits in band ({@code ?}, {@code ?}): one index probe each side. */
    static final String OTHER_TENANT_BEFORE = "(SELECT 1 FROM tasks WHERE state = 'queued' AND cloud = ? "
            + "AND priority = ? AND tenant < ? ORDER BY tenant DESC LIMIT 1)";

    static final String OTHER_TENANT_AFTER = "(SELECT 1 FROM tasks WHERE state = 'queued' AND cloud = ? "
            + "AND priority = ? AND tenant > ? ORDER BY tenant LIMIT 1)";

    private FairShare() {}

    /** A tenant with tasks queued in a band: the tag and seq of its first one, and the limits it sets itself. */
    record Head(String tenant, long tag, long seq, TenantLimits limits) {}

    /** A band of one cloud: its priority and the tenants waiting in it, by name. */
    record Band(String cloud, int priority, List<Head> heads) {
        boolean isEmpty() {
            return heads.isEmpty();
        }
    }

    /** The limit columns of a row, from column {@code first} on in {@link TenantLimit} order: those set. */
    static TenantLimits limits(ResultSet rs, int first) throws SQLException {
        Map<TenantLimit, Long> set = new EnumMap<>(TenantLimit.class);
        for (TenantLimit l : TenantLimit.values()) {
            long v = rs.getLong(first + l.ordinal());
            if (!rs.wasNull()) {
                set.put(l, v);
            }
        }
        return new TenantLimits(set);
    }

    /** The limits in force for each of {@code tenants}: its own over {@code defaults}. */
    static Map<String, TenantLimits> limitsOf(Connection c, List<String> tenants, TenantLimits defaults)
            throws SQLException {
        Map<String, TenantLimits> limits = new HashMap<>();
        for (String t : tenants) {
            limits.put(t, defaults);
        }
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT name, " + LIMIT_COLUMNS + " FROM tenants WHERE " + Sql.in("name", tenants.size()),
                        tenants.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                limits.put(rs.getString(1), limits(rs, 2).over(defaults));
            }
        }
        return limits;
    }

    /** The highest band of {@code cloud} below {@code belowPriority} that has tasks queued; empty heads when none. */
    static Band band(Connection c, String cloud, int belowPriority) throws SQLException {
        List<Head> heads = new ArrayList<>();
        int priority = Integer.MIN_VALUE;
        try (PreparedStatement ps = prepare(c, BAND, cloud, belowPriority, cloud, cloud, cloud, cloud);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                priority = rs.getInt(1);
                heads.add(new Head(rs.getString(2), rs.getLong(3), rs.getLong(4), limits(rs, 5)));
            }
        }
        return new Band(cloud, priority, heads);
    }

    /**
     * The first tag for {@code tenant}'s next task in the band ({@code cloud}, {@code priority}): after its last
     * queued one, and never before the band's virtual time (the highest tag at any tenant's head), so that a tenant
     * that was idle or behind does not jump the others' queue; {@code now} in an empty band. One statement when no
     * other tenant waits in the band (then the virtual time is the tenant's own head, before its last tag).
     */
    static long nextTag(Connection c, String cloud, int priority, String tenant, long now) throws SQLException {
        Long last;
        boolean others;
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT (SELECT fair_tag FROM tasks WHERE state = 'queued' AND cloud = ? AND priority = ? "
                                + "AND tenant = ? ORDER BY fair_tag DESC LIMIT 1), " + OTHER_TENANT_BEFORE + ", "
                                + OTHER_TENANT_AFTER,
                        cloud,
                        priority,
                        tenant,
                        cloud,
                        priority,
                        tenant,
                        cloud,
                        priority,
                        tenant);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            long l = rs.getLong(1);
            last = rs.wasNull() ? null : l;
            others = rs.getObject(2) != null || rs.getObject(3) != null;
        }
        long next = last == null ? now : last + 1;
        if (!others) {
            return next;
        }
        Band band = band(c, cloud, priority + 1);
        long virtualTime = band.heads().stream().mapToLong(Head::tag).max().orElse(now);
        return last == null ? virtualTime : Math.max(last + 1, virtualTime);
    }
}
