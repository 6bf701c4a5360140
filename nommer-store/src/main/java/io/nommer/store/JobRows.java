package io.nommer.store;

import static io.nommer.store.Sql.in;
import static io.nommer.store.Sql.instant;
import static io.nommer.store.Sql.prepare;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Priority;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading jobs and tasks: the column lists, the row mappers and the queries that load a job with its tasks. */
final class JobRows {
    /** The states of a task (or job) still to finish, for {@code state IN} conditions. */
    static final String ACTIVE_STATES = "('queued', 'running')";

    /**
     * A job's state as shown, in SQL over {@code jobs}. A claim writes only its tasks' rows, so a job whose row says
     * queued is running while one of its tasks is; its row is written running when a task of it ends, or goes back to
     * the queue, without the job ending (JobFinisher.markStarted). Its tasks are read only for a job whose row says
     * queued, and with a scalar subquery, which PostgreSQL runs per row rather than hashing every running task.
     */
    static final String SHOWN_STATE = "CASE WHEN jobs.state = 'queued' AND (SELECT 1 FROM tasks s WHERE "
            + "s.job_id = jobs.id AND s.state = 'running' LIMIT 1) IS NOT NULL THEN 'running' ELSE jobs.state END";
    /**
     * When a job started, in SQL over {@code jobs}: its first task's start. Only rows written before claims stopped
     * writing jobs hold it themselves (the same time, written by that first claim).
     */
    static final String SHOWN_STARTED_AT =
            "COALESCE(jobs.started_at, (SELECT MIN(s.started_at) FROM tasks s WHERE s.job_id = jobs.id))";

    /** A job's columns, for {@link JobRow#of}, in SQL over {@code jobs}. */
    static final String JOB_COLUMNS = "id, " + SHOWN_STATE + " AS state, priority, input, input_info, metadata, "
            + "notify_url, cloud, created_at, " + SHOWN_STARTED_AT + " AS started_at, finished_at, updated_at, "
            + "owner_token_hash, tenant";

    static final String TASK_COLUMNS = "id, job_id, idx, name, preset, profile, destination, state, progress, "
            + "attempt, max_attempts, files, error_code, error_message, log_tail, cpu_seconds, created_at, started_at, "
            + "finished_at, part, parts, tools, stack";

    private JobRows() {}

    static Optional<Job> loadJob(Connection c, String jobId) throws SQLException {
        JobRow row;
        try (PreparedStatement ps = prepare(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?", jobId);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            row = JobRow.of(rs);
        }
        return Optional.of(row.toJob(loadTasks(c, List.of(jobId)).getOrDefault(jobId, List.of())));
    }

    /** Several jobs with their tasks in two queries, by id. */
    static Map<String, Job> loadJobs(Connection c, List<String> jobIds) throws SQLException {
        Map<String, JobRow> rows = new HashMap<>();
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        try (PreparedStatement ps = prepare(
                        c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE " + in("id", jobIds.size()), jobIds.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                JobRow row = JobRow.of(rs);
                rows.put(row.id(), row);
            }
        }
        Map<String, List<Task>> tasks = loadTasks(c, jobIds);
        Map<String, Job> jobs = new HashMap<>();
        rows.forEach((id, row) -> jobs.put(id, row.toJob(tasks.getOrDefault(id, List.of()))));
        return jobs;
    }

    /** The tasks of several jobs in one query, each job's in index order. */
    static Map<String, List<Task>> loadTasks(Connection c, List<String> jobIds) throws SQLException {
        Map<String, List<Task>> byJob = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return byJob;
        }
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT " + TASK_COLUMNS + " FROM tasks WHERE " + in("job_id", jobIds.size())
                                + " ORDER BY job_id, idx",
                        jobIds.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Task t = task(c, rs);
                byJob.computeIfAbsent(t.jobId(), k -> new ArrayList<>()).add(t);
            }
        }
        return byJob;
    }

    /** A task from a row with {@link #TASK_COLUMNS}, read on {@code c}. */
    static Task task(Connection c, ResultSet rs) throws SQLException {
        return new Task(
                rs.getString("id"),
                rs.getString("job_id"),
                rs.getInt("idx"),
                rs.getString("name"),
                rs.getString("preset"),
                SharedProfiles.read(c, rs.getString("profile"), rs.getString("stack")),
                rs.getString("destination"),
                JobState.parse(rs.getString("state")),
                rs.getDouble("progress"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                JsonColumns.files(rs.getString("files")),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getString("log_tail"),
                rs.getDouble("cpu_seconds"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getObject("part") == null ? null : rs.getInt("part"),
                rs.getInt("parts"),
                JsonColumns.tools(rs.getString("tools")));
    }

    /** A job row with {@link #JOB_COLUMNS}, before its tasks are attached. */
    record JobRow(
            String id,
            JobState state,
            Priority priority,
            String input,
            MediaInfo inputInfo,
            Map<String, Object> metadata,
            String notifyUrl,
            String cloud,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt,
            Instant updatedAt,
            String ownerTokenHash,
            String tenant) {
        static JobRow of(ResultSet rs) throws SQLException {
            return new JobRow(
                    rs.getString("id"),
                    JobState.parse(rs.getString("state")),
                    Priority.parse(rs.getString("priority")),
                    rs.getString("input"),
                    JsonColumns.mediaInfo(rs.getString("input_info")),
                    Collections.unmodifiableMap(JsonColumns.metadata(rs.getString("metadata"))),
                    rs.getString("notify_url"),
                    rs.getString("cloud"),
                    instant(rs, "created_at"),
                    instant(rs, "started_at"),
                    instant(rs, "finished_at"),
                    instant(rs, "updated_at"),
                    rs.getString("owner_token_hash"),
                    rs.getString("tenant"));
        }

        Job toJob(List<Task> tasks) {
            return new Job(
                    id,
                    state,
                    priority,
                    input,
                    inputInfo,
                    metadata,
                    notifyUrl,
                    cloud,
                    tasks,
                    createdAt,
                    startedAt,
                    finishedAt,
                    updatedAt,
                    ownerTokenHash,
                    tenant);
        }
    }
}
