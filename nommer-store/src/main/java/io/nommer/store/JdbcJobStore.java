package io.nommer.store;

import static io.nommer.store.JobFinisher.event;
import static io.nommer.store.Sql.in;
import static io.nommer.store.Sql.placeholders;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.job.CreateResult;
import io.nommer.core.job.DestinationTakenException;
import io.nommer.core.job.IdempotencyKeyReusedException;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobOutcome;
import io.nommer.core.job.JobState;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.Page;
import io.nommer.core.job.RoutineEvents;
import io.nommer.core.job.Task;
import io.nommer.core.job.TaskIds;
import io.nommer.core.job.Timeline;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The {@link JobStore} on JDBC. */
final class JdbcJobStore implements JobStore {
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 1000;
    private static final String QUEUED = JobState.QUEUED.wireName();
    private static final Sql.RowInsert INSERT_JOBS = new Sql.RowInsert(
            "jobs",
            "id text",
            "state text",
            "priority text",
            "input text",
            "metadata text",
            "notify_url text",
            "idempotency_key text",
            "max_attempts int4",
            "cloud text",
            "created_at int8",
            "updated_at int8",
            "owner_token_hash text",
            "tenant text",
            "request_hash text");
    private static final Sql.RowInsert INSERT_TASKS = new Sql.RowInsert(
            "tasks",
            "id text",
            "job_id text",
            "idx int4",
            "name text",
            "preset text",
            "profile text",
            "destination text",
            "state text",
            "priority int4",
            "cloud text",
            "max_attempts int4",
            "run_after int8",
            "created_at int8",
            "updated_at int8",
            "part int4",
            "parts int4",
            "waiting_on int4",
            "tenant text",
            "fair_tag int8",
            "stack text",
            "job_tasks int4");
    /** Where {@link #taskRow} puts the task's priority, cloud, tenant and fair tag. */
    private static final int PRIORITY = 8;

    private static final int CLOUD = 9;
    private static final int TENANT = 17;
    private static final int FAIR_TAG = 18;

    private final Sql sql;
    private final JobFinisher finisher;
    private final SharedProfiles shared = new SharedProfiles();

    JdbcJobStore(Sql sql, JobFinisher finisher) {
        this.sql = sql;
        this.finisher = finisher;
    }

    @Override
    public List<CreateResult> createAll(List<NewJob> jobs) {
        for (NewJob job : jobs) {
            if (job.outputs().isEmpty()) {
                throw new IllegalArgumentException("job " + job.id() + " has no outputs");
            }
            if (job.maxAttempts() < 1) {
                throw new IllegalArgumentException(
                        "job " + job.id() + ": maxAttempts must be at least 1, not " + job.maxAttempts());
            }
        }
        if (jobs.isEmpty()) {
            return List.of();
        }
        String what = jobs.size() == 1 ? "creating job " + jobs.get(0).id() : "creating " + jobs.size() + " jobs";
        // equal profiles are serialized once
        Map<Profile, String> profiles = new HashMap<>();
        for (NewJob job : jobs) {
            for (OutputSpec out : job.outputs()) {
                profiles.computeIfAbsent(out.profile(), SharedProfiles::stored);
            }
        }
        shared.keep(sql, profiles.values());
        try {
            return sql.inTransaction(what, c -> insertJobs(c, jobs, profiles));
        } catch (StoreException | DestinationTakenException e) {
            // why: where writers are not serialized (PostgreSQL) two requests with one key can both pass the lookup;
            // the unique index lets one win (or the loser waits for the winner's destination lock and finds its place
            // taken), and running again answers with the winner's job
            if (jobs.stream().anyMatch(j -> j.idempotencyKey() != null)) {
                return sql.inTransaction(what, c -> insertJobs(c, jobs, profiles));
            }
            throw e;
        }
    }

    /**
     * Inserts the jobs whose idempotency key is new, with their tasks and events, in a few batched statements; each
     * task's profile as {@code profiles} has it stored ({@link SharedProfiles#stored}).
     */
    private List<CreateResult> insertJobs(Connection c, List<NewJob> jobs, Map<Profile, String> profiles)
            throws SQLException {
        Map<String, KeyHolder> byKey = jobsByKey(c, jobs);
        long now = sql.now(c);
        Instant at = Instant.ofEpochMilli(now);
        // the created jobs are answered as written, without reading them back
        List<Job> createdJobs = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        List<Object[]> jobRows = new ArrayList<>();
        List<Object[]> taskRows = new ArrayList<>();
        List<Object[]> eventRows = new ArrayList<>();
        Map<Place, Integer> places = new LinkedHashMap<>();
        for (int j = 0; j < jobs.size(); j++) {
            NewJob job = jobs.get(j);
            String key = job.idempotencyKey();
            KeyHolder earlier = key == null ? null : byKey.get(key);
            if (earlier != null) {
                if (earlier.requestHash() != null
                        && job.requestHash() != null
                        && !earlier.requestHash().equals(job.requestHash())) {
                    throw new IdempotencyKeyReusedException(j, key, earlier.jobId());
                }
                createdJobs.add(null);
                existing.add(earlier.jobId());
                continue;
            }
            if (key != null) {
                byKey.put(key, new KeyHolder(job.id(), job.requestHash()));
            }
            for (OutputSpec out : job.outputs()) {
                if (out.destination() != null
                        && places.putIfAbsent(new Place(out.destination(), out.name()), j) != null) {
                    throw new DestinationTakenException(j, out.name(), out.destination(), null);
                }
            }
            String metadata = JsonColumns.metadata(job.metadata());
            jobRows.add(new Object[] {
                job.id(),
                QUEUED,
                job.priority().wireName(),
                job.input(),
                metadata,
                job.notifyUrl(),
                key,
                job.maxAttempts(),
                job.cloud(),
                now,
                now,
                job.ownerTokenHash(),
                job.tenant(),
                key == null ? null : job.requestHash()
            });
            List<Task> tasks = new ArrayList<>();
            int jobTasks =
                    job.outputs().stream().mapToInt(out -> 1 + out.parts()).sum();
            for (int i = 0; i < job.outputs().size(); i++) {
                OutputSpec out = job.outputs().get(i);
                int priority = Priority.combined(job.priority(), out.profile().priorityOrDefault());
                String profile = profiles.get(out.profile());
                taskRows.add(taskRow(job, jobTasks, i, out, profile, priority, null, now));
                tasks.add(newTask(job, i, out, null, at));
                for (int r = 0; r < out.parts(); r++) {
                    int idx = TaskIds.partIndex(i, r);
                    taskRows.add(taskRow(job, jobTasks, idx, out, profile, priority, r, now));
                    tasks.add(newTask(job, idx, out, r, at));
                }
            }
            tasks.sort(Comparator.comparingInt(Task::index));
            createdJobs.add(new Job(
                    job.id(),
                    JobState.QUEUED,
                    job.priority(),
                    job.input(),
                    null,
                    Collections.unmodifiableMap(JsonColumns.metadata(metadata)),
                    job.notifyUrl(),
                    job.cloud(),
                    tasks,
                    at,
                    null,
                    null,
                    at,
                    job.ownerTokenHash(),
                    job.tenant()));
            // job.created is told by the job's row (RoutineEvents)
            for (String step : job.plan()) {
                eventRows.add(event(job.id(), null, Timeline.planned(step), now));
            }
        }
        refuseTakenPlaces(c, places, null);
        assignFairTags(c, taskRows, now);
        sql.insert(c, INSERT_JOBS, jobRows);
        sql.insert(c, INSERT_TASKS, taskRows);
        finisher.addEvents(c, eventRows);
        Map<String, Job> loaded =
                new HashMap<>(JobRows.loadJobs(c, existing.stream().distinct().toList()));
        // a job created earlier in this same batch (a repeated key) is answered as created there
        createdJobs.stream().filter(Objects::nonNull).forEach(j -> loaded.put(j.id(), j));
        List<CreateResult> results = new ArrayList<>();
        int e = 0;
        for (Job created : createdJobs) {
            results.add(
                    created != null
                            ? new CreateResult(created, true)
                            : new CreateResult(loaded.get(existing.get(e++)), false));
        }
        return results;
    }

    /** Where an output publishes its files: a destination folder, and the output's name the files are named by. */
    private record Place(String destination, String name) {}

    /**
     * Refuses places ({@code place -> which of the jobs} wants it) that an output of another job than {@code except}
     * holds: queued, running or succeeded (failed and cancelled outputs give their place up). On PostgreSQL each
     * destination folder is locked until the transaction ends, so that two transactions cannot both find a place free
     * and take it.
     *
     * @throws DestinationTakenException for the first place taken
     */
    private void refuseTakenPlaces(Connection c, Map<Place, Integer> places, String except) throws SQLException {
        if (places.isEmpty()) {
            return;
        }
        String lock = sql.dialect().lockKey();
        if (lock != null) {
            // one lock per destination folder, not per place: a bulk submit may name thousands of places, and
            // PostgreSQL's lock table holds only a few thousand locks; in one order, so that two transactions wanting
            // the same folders cannot each hold one the other waits for
            List<String> keys = places.keySet().stream()
                    .map(Place::destination)
                    .distinct()
                    .sorted()
                    .toList();
            for (String key : keys) {
                try (PreparedStatement ps = prepare(c, lock, key);
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
        }
        List<String> folders =
                places.keySet().stream().map(Place::destination).distinct().toList();
        List<Object> args = new ArrayList<>(folders);
        String query = "SELECT job_id, destination, name FROM tasks WHERE part IS NULL AND "
                + in("destination", folders.size()) + " AND state NOT IN ('failed', 'cancelled')";
        if (except != null) {
            query += " AND job_id <> ?";
            args.add(except);
        }
        try (PreparedStatement ps = prepare(c, query, args.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Place held = new Place(rs.getString(2), rs.getString(3));
                Integer wanting = places.get(held);
                if (wanting != null) {
                    throw new DestinationTakenException(wanting, held.name(), held.destination(), rs.getString(1));
                }
            }
        }
    }

    /** The job holding an idempotency key, and the hash of the request it came from (null: not compared). */
    private record KeyHolder(String jobId, String requestHash) {}

    /** The jobs that already hold the idempotency keys these jobs name, by key. */
    private static Map<String, KeyHolder> jobsByKey(Connection c, List<NewJob> jobs) throws SQLException {
        Map<String, KeyHolder> byKey = new HashMap<>();
        List<String> keys = jobs.stream()
                .map(NewJob::idempotencyKey)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        if (!keys.isEmpty()) {
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT idempotency_key, id, request_hash FROM jobs WHERE "
                                    + in("idempotency_key", keys.size()),
                            keys.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byKey.put(rs.getString(1), new KeyHolder(rs.getString(2), rs.getString(3)));
                }
            }
        }
        return byKey;
    }

    /**
     * A queued task's row for {@link #INSERT_TASKS}: an output's own task ({@code part} null), which waits for its
     * renditions when the ladder is spread over workers, or one rendition of it.
     */
    private static Object[] taskRow(
            NewJob job, int jobTasks, int idx, OutputSpec out, String profile, int priority, Integer part, long now) {
        int parts = part == null ? out.parts() : 0;
        return new Object[] {
            TaskIds.taskId(job.id(), idx),
            job.id(),
            idx,
            out.name(),
            out.preset(),
            profile,
            out.destination(),
            QUEUED,
            priority,
            job.cloud(),
            job.maxAttempts(),
            now,
            now,
            now,
            part,
            parts,
            parts,
            job.tenant(),
            0L,
            out.profile().get(Profile.STACK),
            jobTasks
        };
    }

    /**
     * Gives each new task its fair tag ({@link FairShare}): the tasks of one tenant in one band take consecutive tags,
     * in the order they were submitted, after the tenant's queued ones and not before the band's virtual time.
     */
    private static void assignFairTags(Connection c, List<Object[]> taskRows, long now) throws SQLException {
        Map<List<Object>, List<Object[]>> groups = new LinkedHashMap<>();
        for (Object[] row : taskRows) {
            groups.computeIfAbsent(List.of(row[CLOUD], row[PRIORITY], row[TENANT]), k -> new ArrayList<>())
                    .add(row);
        }
        for (Map.Entry<List<Object>, List<Object[]>> g : groups.entrySet()) {
            long tag = FairShare.nextTag(
                    c,
                    (String) g.getKey().get(0),
                    (Integer) g.getKey().get(1),
                    (String) g.getKey().get(2),
                    now);
            for (Object[] row : g.getValue()) {
                row[FAIR_TAG] = tag++;
            }
        }
    }

    /** A task as {@link #insertJobs} writes it: queued, never attempted. */
    private static Task newTask(NewJob job, int idx, OutputSpec out, Integer part, Instant at) {
        return new Task(
                TaskIds.taskId(job.id(), idx),
                job.id(),
                idx,
                out.name(),
                out.preset(),
                out.profile(),
                out.destination(),
                JobState.QUEUED,
                0,
                0,
                job.maxAttempts(),
                List.of(),
                null,
                null,
                null,
                0,
                at,
                null,
                null,
                part,
                part == null ? out.parts() : 0,
                Map.of());
    }

    @Override
    public Optional<Job> find(String jobId) {
        return sql.read("finding job " + jobId, c -> JobRows.loadJob(c, jobId));
    }

    @Override
    public Page<Job> list(JobFilter filter) {
        Objects.requireNonNull(filter, "filter");
        int limit = filter.limit() <= 0 ? DEFAULT_PAGE : Math.min(filter.limit(), MAX_PAGE);
        Listing listing = listing(filter, limit);
        return sql.read("listing jobs", c -> {
            List<JobRows.JobRow> rows = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, listing.sql(), listing.args().toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(JobRows.JobRow.of(rs));
                }
            }
            boolean more = rows.size() > limit;
            if (more) {
                rows = rows.subList(0, limit);
            }
            Map<String, List<Task>> tasks =
                    JobRows.loadTasks(c, rows.stream().map(JobRows.JobRow::id).toList());
            List<Job> jobs = rows.stream()
                    .map(r -> r.toJob(tasks.getOrDefault(r.id(), List.of())))
                    .toList();
            String next = null;
            if (more) {
                Job last = jobs.get(jobs.size() - 1);
                next = new Cursor(last.createdAt().toEpochMilli(), last.id()).encode();
            }
            return new Page<>(jobs, next);
        });
    }

    /** {@link #list}'s statement and its parameters: a page of {@code limit} jobs and one more, newest first. */
    record Listing(String sql, List<Object> args) {}

    static Listing listing(JobFilter filter, int limit) {
        Cursor after = filter.cursor() == null ? null : Cursor.decode(filter.cursor());
        StringBuilder query = new StringBuilder("SELECT " + JobRows.JOB_COLUMNS + " FROM jobs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!filter.states().isEmpty()) {
            query.append(" AND " + JobRows.SHOWN_STATE + " IN (")
                    .append(placeholders(filter.states().size()))
                    .append(')');
            filter.states().stream().map(JobState::wireName).sorted().forEach(args::add);
        }
        if (filter.tenant() != null) {
            query.append(" AND tenant = ?");
            args.add(filter.tenant());
        }
        if (filter.idempotencyKey() != null) {
            query.append(" AND idempotency_key = ?");
            args.add(filter.idempotencyKey());
        }
        if (filter.createdFrom() != null) {
            query.append(" AND created_at >= ?");
            args.add(filter.createdFrom().toEpochMilli());
        }
        if (filter.createdTo() != null) {
            query.append(" AND created_at < ?");
            args.add(filter.createdTo().toEpochMilli());
        }
        if (after != null) {
            query.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(after.createdMillis());
            args.add(after.createdMillis());
            args.add(after.id());
        }
        query.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        return new Listing(query.toString(), args);
    }

    @Override
    public List<JobEvent> events(String jobId) {
        return sql.read("reading events of job " + jobId, c -> {
            JobState state;
            Instant createdAt;
            Instant finishedAt;
            try (PreparedStatement ps =
                            prepare(c, "SELECT state, created_at, finished_at FROM jobs WHERE id = ?", jobId);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                state = JobState.parse(rs.getString(1));
                createdAt = Sql.instant(rs, 2);
                finishedAt = Sql.instant(rs, 3);
            }
            List<RoutineEvents.TaskFacts> tasks = new ArrayList<>();
            int outputs = 0;
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT id, idx, state, started_at, finished_at, max_attempts, worker_id, files, part FROM "
                                    + "tasks WHERE job_id = ? ORDER BY idx",
                            jobId);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tasks.add(new RoutineEvents.TaskFacts(
                            rs.getString(1),
                            rs.getInt(2),
                            JobState.parse(rs.getString(3)),
                            Sql.instant(rs, 4),
                            Sql.instant(rs, 5),
                            rs.getInt(6),
                            rs.getString(7),
                            JsonColumns.files(rs.getString(8)).size()));
                    // an output is a task that is not a rendition of a ladder
                    outputs += rs.getObject(9) == null ? 1 : 0;
                }
            }
            RoutineEvents.JobFacts job =
                    new RoutineEvents.JobFacts(jobId, state, createdAt, finishedAt, outputs, tasks.size());
            List<JobEvent> stored = new ArrayList<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT id, job_id, created_at, type, task_id, message FROM job_events WHERE job_id = ?",
                            jobId);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(new JobEvent(
                            rs.getLong("id"),
                            rs.getString("job_id"),
                            Sql.instant(rs, "created_at"),
                            rs.getString("type"),
                            rs.getString("task_id"),
                            rs.getString("message")));
                }
            }
            return RoutineEvents.timeline(job, tasks, stored);
        });
    }

    @Override
    public void addEvent(String jobId, String taskId, Timeline.Entry entry) {
        sql.inTransaction("adding event " + entry.type() + " to job " + jobId, c -> {
            // why: a job deleted meanwhile (its webhook's last attempt, a worker's last word after a cancel) has no
            // timeline to add to; the lock keeps a delete from passing between this look and the insert, and only a
            // delete: an event must not wait for the job's other writers (a completion holding its row)
            try (PreparedStatement ps = prepare(
                            c, "SELECT 1 FROM jobs WHERE id = ?" + sql.dialect().lockAgainstDelete(), jobId);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
            finisher.addEvent(c, jobId, taskId, entry, sql.now(c));
            return null;
        });
    }

    @Override
    public void recordInputInfo(String jobId, MediaInfo info) {
        Objects.requireNonNull(info, "info");
        sql.inTransaction(
                "recording input info of job " + jobId,
                c -> update(
                        c,
                        "UPDATE jobs SET input_info = ?, updated_at = ? WHERE id = ? AND input_info IS NULL",
                        JsonColumns.mediaInfo(info),
                        sql.now(c),
                        jobId));
    }

    @Override
    public Optional<Job> cancel(String jobId) {
        return sql.inTransaction("cancelling job " + jobId, c -> {
            Optional<JobState> state = jobState(c, jobId);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            if (state.get().terminal()) {
                throw new IllegalStateException(
                        "job " + jobId + " is already " + state.get().wireName());
            }
            long now = sql.now(c);
            // clearing the token makes the running tasks' heartbeats fail, so their workers stop
            int tasks = update(
                    c,
                    "UPDATE tasks SET state = ?, lease_token = NULL, lease_until = NULL, finished_at = ?, "
                            + "updated_at = ? WHERE job_id = ? AND state IN " + JobRows.ACTIVE_STATES,
                    JobState.CANCELLED.wireName(),
                    now,
                    now,
                    jobId);
            // why: tasks first, then the job, the order claims and completions take them in (no deadlock); a job
            // whose last task finished meanwhile keeps the state that finish gave it
            finisher.finish(c, Map.of(jobId, JobOutcome.cancelled(tasks)), now);
            return JobRows.loadJob(c, jobId);
        });
    }

    @Override
    public Optional<Job> retry(String jobId) {
        return sql.inTransaction("retrying job " + jobId, c -> {
            Optional<JobState> state = jobState(c, jobId);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            if (state.get() != JobState.FAILED && state.get() != JobState.CANCELLED) {
                throw new IllegalStateException("job " + jobId + " is "
                        + state.get().wireName() + "; only failed or cancelled jobs can be retried");
            }
            Map<Place, Integer> places = new LinkedHashMap<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT destination, name FROM tasks WHERE job_id = ? AND part IS NULL "
                                    + "AND destination IS NOT NULL AND state IN ('failed', 'cancelled')",
                            jobId);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    places.put(new Place(rs.getString(1), rs.getString(2)), 0);
                }
            }
            refuseTakenPlaces(c, places, jobId);
            long now = sql.now(c);
            finisher.keepFirstStart(c, jobId, null);
            int tasks = update(
                    c,
                    "UPDATE tasks SET state = ?, "
                            + "max_attempts = attempt + (SELECT j.max_attempts FROM jobs j WHERE j.id = tasks.job_id), "
                            + "run_after = ?, progress = 0, error_code = NULL, error_message = NULL, log_tail = NULL, "
                            + "lease_token = NULL, lease_until = NULL, worker_id = NULL, finished_at = NULL, updated_at = ? "
                            + "WHERE job_id = ? AND state IN ('failed', 'cancelled')",
                    QUEUED,
                    now,
                    now,
                    jobId);
            update(
                    c,
                    "UPDATE tasks SET waiting_on = (SELECT COUNT(*) FROM tasks p WHERE p.job_id = tasks.job_id "
                            + "AND p.name = tasks.name AND p.part IS NOT NULL AND p.state <> 'succeeded') "
                            + "WHERE job_id = ? AND parts > 0",
                    jobId);
            update(
                    c,
                    "DELETE FROM job_finishes WHERE job_id = ? AND finished_at = (SELECT finished_at FROM jobs "
                            + "WHERE id = ?)",
                    jobId,
                    jobId);
            update(c, "UPDATE jobs SET state = ?, finished_at = NULL, updated_at = ? WHERE id = ?", QUEUED, now, jobId);
            finisher.addEvent(c, jobId, null, Timeline.retried(tasks), now);
            return JobRows.loadJob(c, jobId);
        });
    }

    private static Optional<JobState> jobState(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT " + JobRows.SHOWN_STATE + " FROM jobs WHERE id = ?", jobId);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(JobState.parse(rs.getString(1))) : Optional.empty();
        }
    }

    /** Where a listing page ended: opaque to clients (base64url of {@code createdMillis:id}). */
    record Cursor(long createdMillis, String id) {
        String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((createdMillis + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = s.indexOf(':');
                if (colon <= 0 || colon == s.length() - 1) {
                    throw new IllegalArgumentException("invalid cursor");
                }
                return new Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                // NumberFormatException and bad base64 are IllegalArgumentExceptions too
                throw new IllegalArgumentException("invalid cursor", e);
            }
        }
    }
}
