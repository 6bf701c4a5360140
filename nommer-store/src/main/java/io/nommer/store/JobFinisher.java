package io.nommer.store;

import static io.nommer.store.Sql.in;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.job.JobOutcome;
import io.nommer.core.job.JobState;
import io.nommer.core.job.RoutineEvents;
import io.nommer.core.job.TaskIds;
import io.nommer.core.job.Timeline;
import io.nommer.core.queue.Attempt;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.webhook.JobPhase;
import io.nommer.core.webhook.NotifyFormat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes what happens when tasks end, inside the caller's transaction: timeline events, a failed rendition failing
 * its packaging task, and a job becoming terminal with its event and webhook outbox row. What the outcome is, core
 * decides ({@link JobOutcome}, {@link TaskFailure#renditionFailed}); this class only stores it.
 */
final class JobFinisher {
    private static final Sql.RowInsert INSERT_EVENTS = new Sql.RowInsert(
            "job_events", "job_id text", "task_id text", "created_at int8", "type text", "message text");
    private static final Sql.RowInsert INSERT_FINISHES =
            new Sql.RowInsert("job_finishes", "finished_at int8", "job_id text");

    private static final String STARTED = Timeline.started("").type();

    private final Sql sql;

    JobFinisher(Sql sql) {
        this.sql = sql;
    }

    /** A row for {@link #addEvents}. */
    static Object[] event(String jobId, String taskId, Timeline.Entry entry, long now) {
        return new Object[] {jobId, taskId, now, entry.type(), entry.message()};
    }

    /**
     * Adds one event; one that starts a {@link JobPhase} also gives a job notifying in media-nommer's format its
     * outbox row for the phase, unless it has one for this phase, a later one, or its end.
     */
    void addEvent(Connection c, String jobId, String taskId, Timeline.Entry entry, long now) throws SQLException {
        addEvents(c, List.<Object[]>of(event(jobId, taskId, entry, now)));
        JobPhase phase = JobPhase.reachedBy(entry.type());
        if (phase != null) {
            List<String> earlier = phase.earlierEvents();
            List<Object> args = new ArrayList<>(
                    List.of(phase.event(), now, now, jobId, NotifyFormat.MEDIA_NOMMER.stored("") + "%", jobId));
            args.addAll(earlier);
            update(
                    c,
                    "INSERT INTO outbox (job_id, url, event, created_at, next_attempt_at) "
                            + "SELECT id, notify_url, ?, ?, ? FROM jobs WHERE id = ? AND notify_url LIKE ? "
                            + "AND NOT EXISTS (SELECT 1 FROM outbox WHERE job_id = ?"
                            + (earlier.isEmpty() ? "" : " AND NOT " + in("event", earlier.size())) + ")",
                    args.toArray());
        }
    }

    void addEvents(Connection c, List<Object[]> events) throws SQLException {
        sql.insert(c, INSERT_EVENTS, events);
    }

    /**
     * Writes down, as a timeline row, the first start of a task about to go back to the queue (or of each failed or
     * cancelled task of the job, {@code taskId} null), which clears its worker's name from its row. Until then the
     * first start is told by the row itself ({@link RoutineEvents}); every later start is written when it is claimed.
     */
    void keepFirstStart(Connection c, String jobId, String taskId) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(jobId));
        if (taskId != null) {
            args.add(taskId);
        }
        args.add(STARTED);
        List<Object[]> starts = new ArrayList<>();
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT id, started_at, max_attempts, worker_id FROM tasks t WHERE job_id = ? AND "
                                + (taskId != null ? "id = ?" : "state IN ('failed', 'cancelled')")
                                + " AND started_at IS NOT NULL AND worker_id IS NOT NULL AND NOT EXISTS (SELECT 1 "
                                + "FROM job_events e WHERE e.job_id = t.job_id AND e.task_id = t.id AND e.type = ?)",
                        args.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Attempt first = new Attempt(rs.getString(1), jobId, 1, rs.getInt(3), rs.getString(4));
                starts.add(event(jobId, first.taskId(), Timeline.started(first.describe()), rs.getLong(2)));
            }
        }
        addEvents(c, starts);
    }

    /**
     * Locks the jobs that exist among {@code jobIds} for this transaction, in id order, the order every transaction
     * takes several jobs in, so that concurrent ones (PostgreSQL) cannot deadlock; answers the state in their rows.
     * The rows are found by id alone: a state condition here once let the planner, with statistics from when few jobs
     * were queued, read every queued job to find a batch's 64.
     */
    Map<String, JobState> lockJobs(Connection c, Collection<String> jobIds) throws SQLException {
        List<String> ids = jobIds.stream().distinct().sorted().toList();
        Map<String, JobState> locked = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return locked;
        }
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT id, state FROM jobs WHERE " + in("id", ids.size()) + " ORDER BY id"
                                + sql.dialect().lockForUpdate(),
                        ids.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                locked.put(rs.getString(1), JobState.parse(rs.getString(2)));
            }
        }
        return locked;
    }

    /**
     * Writes running into the rows of the jobs among {@code jobIds} that still say queued: called where a task of
     * theirs has ended, or goes back to the queue, while the job goes on. A claim does not write it
     * (JobRows.SHOWN_STATE), and a job of one task goes from queued to its end in one write.
     */
    void markStarted(Connection c, List<String> jobIds, long now) throws SQLException {
        if (jobIds.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>(List.of(JobState.RUNNING.wireName(), now));
        args.addAll(jobIds);
        update(
                c,
                "UPDATE jobs SET state = ?, updated_at = ? WHERE " + in("id", jobIds.size()) + " AND state = 'queued'",
                args.toArray());
    }

    /**
     * Makes each job terminal once none of its tasks is queued or running: its state, its {@code job.<state>} event
     * and (with a notify URL) its outbox row, in the caller's transaction, which has just ended some of their tasks.
     */
    void finishIfDone(Connection c, Collection<String> jobs, long now) throws SQLException {
        finishIfDone(c, jobs, Set.of(), now);
    }

    /**
     * {@link #finishIfDone(Connection, Collection, long)}, where some of the jobs have succeeded already.
     *
     * @param succeededAlone those of {@code jobs} whose only task the caller has just completed: they have succeeded,
     *     and their tasks are not counted
     */
    void finishIfDone(Connection c, Collection<String> jobs, Set<String> succeededAlone, long now) throws SQLException {
        List<String> ids = jobs.stream()
                .distinct()
                .filter(id -> !succeededAlone.contains(id))
                .toList();
        Map<String, JobOutcome> done = outcomes(c, ids);
        for (String id : succeededAlone) {
            // why: no other transaction can be ending a task of these jobs (see below), and finish leaves a job that
            // became terminal meanwhile (cancelled) as it is
            done.put(id, JobOutcome.of(Map.of(JobState.SUCCEEDED, 1)).orElseThrow());
        }
        // why: where writers run concurrently (PostgreSQL), two transactions ending a job's last two tasks would each
        // see the other's task still running and leave the job unfinished. A job that still has a task queued or
        // running here is locked, and its tasks counted again once any transaction that held it has committed. A job
        // whose tasks all look ended needs no lock: no other transaction can be ending one of them (its change would
        // be committed, so it saw ours running; or not, so that task would still look running here), and finish
        // leaves a job that became terminal meanwhile as it is.
        List<String> open = ids.stream().filter(id -> !done.containsKey(id)).toList();
        if (!open.isEmpty()) {
            List<String> unfinished = lockJobs(c, open).entrySet().stream()
                    .filter(e -> !e.getValue().terminal())
                    .map(Map.Entry::getKey)
                    .toList();
            done.putAll(outcomes(c, unfinished));
            markStarted(
                    c, unfinished.stream().filter(id -> !done.containsKey(id)).toList(), now);
        }
        Map<JobState, Map<String, JobOutcome>> finishing = new EnumMap<>(JobState.class);
        done.forEach((jobId, outcome) -> finishing
                .computeIfAbsent(outcome.state(), k -> new LinkedHashMap<>())
                .put(jobId, outcome));
        for (Map<String, JobOutcome> same : finishing.values()) {
            finish(c, same, now);
        }
    }

    /** The outcome of each of the jobs none of whose tasks is queued or running any more. */
    private static Map<String, JobOutcome> outcomes(Connection c, List<String> jobIds) throws SQLException {
        Map<String, JobOutcome> done = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return done;
        }
        Map<String, Map<JobState, Integer>> counts = new HashMap<>();
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT job_id, state, COUNT(*) FROM tasks WHERE " + in("job_id", jobIds.size())
                                + " GROUP BY job_id, state",
                        jobIds.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), k -> new EnumMap<>(JobState.class))
                        .put(JobState.parse(rs.getString(2)), rs.getInt(3));
            }
        }
        for (String jobId : jobIds) {
            JobOutcome.of(counts.getOrDefault(jobId, Map.of())).ifPresent(outcome -> done.put(jobId, outcome));
        }
        return done;
    }

    /**
     * Makes the jobs that are not terminal yet terminal with their outcomes (all of one state), each with its
     * timeline event and (with a notify URL) its outbox row. A job already terminal, made so by a transaction that
     * committed while this one waited for its row, keeps its state.
     */
    void finish(Connection c, Map<String, JobOutcome> outcomes, long now) throws SQLException {
        JobOutcome any = outcomes.values().iterator().next();
        List<Object> args = new ArrayList<>(List.of(any.state().wireName(), now, now));
        args.addAll(outcomes.keySet());
        String update = "UPDATE jobs SET state = ?, finished_at = ?, updated_at = ? WHERE " + in("id", outcomes.size())
                + " AND state IN " + JobRows.ACTIVE_STATES + " RETURNING id, notify_url IS NOT NULL AS notifies";
        boolean chained = sql.dialect().chainsWrites();
        if (chained) {
            // the finish times go in with the update, on the server
            update = "WITH f AS (" + update + "), logged AS (INSERT INTO job_finishes (finished_at, job_id) "
                    + "SELECT ?, id FROM f) SELECT id, notifies FROM f";
            args.add(now);
        }
        List<String> jobIds = new ArrayList<>();
        List<String> notifying = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, update, args.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                jobIds.add(rs.getString(1));
                if (rs.getBoolean(2)) {
                    notifying.add(rs.getString(1));
                }
            }
        }
        if (jobIds.isEmpty()) {
            return;
        }
        if (!chained) {
            sql.insert(
                    c,
                    INSERT_FINISHES,
                    jobIds.stream().map(id -> new Object[] {now, id}).toList());
        }
        if (any.state() != JobState.SUCCEEDED) {
            // a job's success is told by its row (RoutineEvents)
            addEvents(
                    c,
                    jobIds.stream()
                            .map(id -> event(id, null, Timeline.finished(outcomes.get(id)), now))
                            .toList());
        }
        if (notifying.isEmpty()) {
            return;
        }
        List<Object> outboxArgs = new ArrayList<>(List.of(any.eventType(), now, now));
        outboxArgs.addAll(notifying);
        update(
                c,
                "INSERT INTO outbox (job_id, url, event, created_at, next_attempt_at) SELECT id, notify_url, ?, ?, ? "
                        + "FROM jobs WHERE " + in("id", notifying.size()),
                outboxArgs.toArray());
    }

    /** A rendition that failed for good ({@code why}) leaves its output's packaging task nothing to package. */
    void failPackagingOf(Connection c, String taskId, String why, long now) throws SQLException {
        String jobId;
        String name;
        int part;
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT job_id, name, part FROM tasks WHERE job_id = ? AND id = ?",
                        TaskIds.jobIdOf(taskId),
                        taskId);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getObject(3) == null) {
                return;
            }
            jobId = rs.getString(1);
            name = rs.getString(2);
            part = rs.getInt(3);
        }
        TaskFailure failure = TaskFailure.renditionFailed(part, why);
        List<Object[]> failed = new ArrayList<>();
        try (PreparedStatement ps = prepare(
                        c,
                        "UPDATE tasks SET state = ?, error_code = ?, error_message = ?, "
                                + "finished_at = ?, updated_at = ? WHERE job_id = ? AND name = ? AND part IS NULL AND state = 'queued' "
                                + "RETURNING id",
                        JobState.FAILED.wireName(),
                        failure.code().code(),
                        failure.message(),
                        now,
                        now,
                        jobId,
                        name);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                failed.add(event(jobId, rs.getString(1), Timeline.failed(failure.reason()), now));
            }
        }
        addEvents(c, failed);
    }
}
