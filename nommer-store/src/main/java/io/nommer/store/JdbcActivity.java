package io.nommer.store;

import static io.nommer.store.Sql.in;
import static io.nommer.store.Sql.prepare;

import io.nommer.core.activity.Activity;
import io.nommer.core.activity.ActivityStore;
import io.nommer.core.job.JobState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ActivityStore} on JDBC. A window costs what its jobs and the queue cost, however many finished jobs the
 * store holds: the jobs finished in the window are read through {@code job_finishes} (V21); the jobs not finished yet
 * are those with a task queued or running, found through the queue's partial indexes ({@code tasks_claim},
 * {@code tasks_lease}) and then read by id. A job submitted in the window is in one of the two. FinishedJobsPlansTest
 * checks the plans on PostgreSQL.
 */
final class JdbcActivity implements ActivityStore {
    /**
     * The jobs with a task queued or running (a job is unfinished exactly while it has one, JobFinisher.finishIfDone):
     * one statement per state, each with its state written out, so that each reads that state's partial index rather
     * than every task ever run.
     */
    static final String UNFINISHED =
            "SELECT job_id FROM tasks WHERE state = 'queued' UNION SELECT job_id FROM tasks WHERE state = 'running'";
    /** The same, for one tenant (parameters: the tenant, twice). */
    static final String UNFINISHED_OF_TENANT = "SELECT job_id FROM tasks WHERE state = 'queued' AND tenant = ? UNION "
            + "SELECT job_id FROM tasks WHERE state = 'running' AND tenant = ?";
    /**
     * The jobs that finished in the window (parameters: its start and end). Bounded at both ends, so that a generic
     * plan expects a narrow range of job_finishes rather than a third of it, which would make looking up each one's
     * job seem dearer than reading every job.
     */
    private static final String FINISHED_IN_WINDOW =
            "SELECT jobs.state, jobs.created_at, " + JobRows.SHOWN_STARTED_AT + ", jobs.finished_at "
                    + "FROM job_finishes f JOIN jobs ON jobs.id = f.job_id WHERE f.finished_at >= ? AND f.finished_at <= ?";
    /** Unfinished jobs read by id at a time: well under any engine's limit on parameters. */
    static final int BY_ID = 500;

    /** {@link #FINISHED_IN_WINDOW}, for one tenant when {@code ofTenant} (a third parameter: the tenant). */
    static String finishedInWindowSql(boolean ofTenant) {
        return ofTenant ? FINISHED_IN_WINDOW + " AND jobs.tenant = ?" : FINISHED_IN_WINDOW;
    }

    /** The state and times of {@code n} jobs (parameters: their ids). */
    static String jobsByIdSql(int n) {
        return "SELECT " + JobRows.SHOWN_STATE + ", created_at, " + JobRows.SHOWN_STARTED_AT + " FROM jobs WHERE "
                + in("id", n);
    }

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
            // why: the unfinished first, so that a job finishing meanwhile (its state read here already terminal) is
            // then read among the finished
            List<String> unfinished = new ArrayList<>();
            try (PreparedStatement ps =
                            tenant == null ? prepare(c, UNFINISHED) : prepare(c, UNFINISHED_OF_TENANT, tenant, tenant);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unfinished.add(rs.getString(1));
                }
            }
            long queuedBefore = 0;
            for (int from = 0; from < unfinished.size(); from += BY_ID) {
                List<String> ids = unfinished.subList(from, Math.min(unfinished.size(), from + BY_ID));
                try (PreparedStatement ps = prepare(c, jobsByIdSql(ids.size()), ids.toArray());
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JobState state = JobState.parse(rs.getString(1));
                        Instant created = Sql.instant(rs, 2);
                        if (state.terminal()) {
                            continue;
                        }
                        if (created.toEpochMilli() >= start || state == JobState.RUNNING) {
                            spans.add(new Activity.Span(state, created, Sql.instant(rs, 3), null));
                        } else {
                            // queued since before the window, so queued all through it: only counted
                            queuedBefore++;
                        }
                    }
                }
            }
            Object[] args = tenant == null
                    ? new Object[] {start, now.toEpochMilli()}
                    : new Object[] {start, now.toEpochMilli(), tenant};
            try (PreparedStatement ps = prepare(c, finishedInWindowSql(tenant != null), args);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    spans.add(new Activity.Span(
                            JobState.parse(rs.getString(1)),
                            Sql.instant(rs, 2),
                            Sql.instant(rs, 3),
                            Sql.instant(rs, 4)));
                }
            }
            return new Activity.Window(now, minutes, queuedBefore, spans);
        });
    }
}
