package io.nommer.store;

import static io.nommer.store.Sql.prepare;

import io.nommer.core.activity.Activity;
import io.nommer.core.activity.ActivityStore;
import io.nommer.core.job.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link ActivityStore} on JDBC. Every statement reads one index range, so that a window costs what its jobs
 * cost, however many finished jobs the store holds: the jobs not finished yet through {@code jobs_unfinished} (V16),
 * the jobs finished in the window through {@code jobs_by_finished} (V12). A job submitted in the window is in one of
 * the two. QueuePlansTest checks the plans on PostgreSQL.
 */
final class JdbcActivity implements ActivityStore {
    private static final String SPAN = "SELECT state, created_at, started_at, finished_at FROM jobs WHERE ";
    /** The jobs not finished yet that were submitted since the window started (parameter: its start). */
    static final String UNFINISHED_IN_WINDOW = SPAN + "finished_at IS NULL AND created_at >= ?";
    /** The jobs submitted before the window that are running: as many as the farm has slots, at most. */
    static final String RUNNING_BEFORE = SPAN + "finished_at IS NULL AND created_at < ? AND state = 'running'";
    /** The jobs submitted before the window that are queued, so queued all through it: only counted. */
    static final String QUEUED_BEFORE =
            "SELECT COUNT(*) FROM jobs WHERE finished_at IS NULL AND created_at < ? AND state = 'queued'";
    /** The jobs that finished in the window (parameter: its start). */
    static final String FINISHED_IN_WINDOW = SPAN + "finished_at IS NOT NULL AND finished_at >= ? AND "
            + "state IN ('succeeded', 'failed', 'cancelled')";

    private final Sql sql;

    JdbcActivity(Sql sql) {
        this.sql = sql;
    }

    @Override
    public Activity.Window window(int minutes, String tenant) {
        Activity.requireMinutes(minutes);
        return sql.read("reading the activity of the last " + minutes + " minute(s)", c -> {
            Instant now = Instant.ofEpochMilli(sql.now(c));
            long start = Activity.windowStart(now, minutes).toEpochMilli();
            List<Activity.Span> spans = new ArrayList<>();
            spans(c, UNFINISHED_IN_WINDOW, tenant, spans, start);
            spans(c, RUNNING_BEFORE, tenant, spans, start);
            spans(c, FINISHED_IN_WINDOW, tenant, spans, start);
            long queuedBefore;
            try (PreparedStatement ps = prepare(c, forTenant(QUEUED_BEFORE, tenant), args(tenant, start));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                queuedBefore = rs.getLong(1);
            }
            return new Activity.Window(now, minutes, queuedBefore, spans);
        });
    }

    private static void spans(Connection c, String query, String tenant, List<Activity.Span> into, Object... args)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, forTenant(query, tenant), args(tenant, args));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                into.add(new Activity.Span(
                        JobState.parse(rs.getString(1)), Sql.instant(rs, 2), Sql.instant(rs, 3), Sql.instant(rs, 4)));
            }
        }
    }

    private static String forTenant(String query, String tenant) {
        return tenant == null ? query : query + " AND tenant = ?";
    }

    private static Object[] args(String tenant, Object... args) {
        if (tenant == null) {
            return args;
        }
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = tenant;
        return all;
    }
}
