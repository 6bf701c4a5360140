package io.nommer.store;

import io.nommer.core.encode.ErrorCode;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobState;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.Page;
import io.nommer.core.job.StoredProfile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.store.ClaimedTask;
import io.nommer.core.store.Cloud;
import io.nommer.core.store.Completion;
import io.nommer.core.store.CreateResult;
import io.nommer.core.store.Store;
import io.nommer.core.store.TaskFailure;
import io.nommer.core.store.WebhookDelivery;
import io.nommer.core.store.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} on JDBC. All SQL lives here and is shared by every engine; what differs sits behind
 * {@link Dialect}. The schema comes from {@link Migrations}.
 *
 * <p>Time: each call reads "now" once, from the database ({@link Dialect#nowMillis()}) so that leases never depend on
 * a worker's clock, and binds it to every statement of its transaction, so that all rows one call writes agree. A test
 * may pass an {@link InstantSource} instead, and step it to expire leases without sleeping.
 *
 * <p>Every write for a leased task names its fencing token ({@code WHERE job_id = ? AND id = ? AND lease_token = ?
 * AND state = 'running'}); a write that matches no row changes nothing and reports {@code false}. A task has a lease
 * token only while it runs: every way out of running clears it.
 *
 * <p>A task's key is its job and index; its id is derived from them ({@link #taskId}) and names its job
 * ({@link #jobIdOf}), so a task is found by id through that key.
 */
public final class JdbcStore implements Store {
    /** How long a relay has to deliver the webhooks it claimed before another relay may take them. */
    static final Duration WEBHOOK_CLAIM = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 1000;
    private static final String QUEUED = JobState.QUEUED.wireName();
    private static final String RUNNING = JobState.RUNNING.wireName();
    private static final String SUCCEEDED = JobState.SUCCEEDED.wireName();
    private static final String FAILED = JobState.FAILED.wireName();
    private static final String CANCELLED = JobState.CANCELLED.wireName();
    private static final String ACTIVE_STATES = "('queued', 'running')";

    private static final String JOB_COLUMNS = "id, state, priority, input, input_info, metadata, notify_url, cloud, "
            + "created_at, started_at, finished_at, updated_at, owner_token_hash";
    private static final String TASK_COLUMNS = "id, job_id, idx, name, preset, profile, destination, state, progress, "
            + "attempt, max_attempts, files, error_code, error_message, log_tail, cpu_seconds, created_at, started_at, "
            + "finished_at, part, parts";
    /** The fencing condition every write for a leased task carries: job id, task id, lease token ({@link #held}). */
    private static final String HELD = " WHERE job_id = ? AND id = ? AND lease_token = ? AND state = 'running'";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final InstantSource testClock;
    private final SecureRandom random = new SecureRandom();

    /** A store on database time. {@code dataSource} is closed with the store when it is {@link AutoCloseable}. */
    public JdbcStore(DataSource dataSource, Dialect dialect) {
        this(dataSource, dialect, null);
    }

    /**
     * A store whose "now" is {@code clock} instead of the database's, for tests that step time.
     *
     * @param clock null for database time
     */
    public JdbcStore(DataSource dataSource, Dialect dialect, InstantSource clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.testClock = clock;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The task index of rung {@code rung} of output {@code output} when a ladder is spread over workers. */
    static int partIndex(int output, int rung) {
        return 1000 + output * 10 + rung;
    }

    /**
     * The id of a job's task {@code index}: derived from the job id, so stable, unique, and reversible
     * ({@link #jobIdOf}). Job ids the service makes start with {@code job_}, and their tasks are
     * {@code tsk_<rest>_<n>}; any other job id {@code j} gives {@code tsk.<j>_<n>}, so that no two job ids give the
     * same task id.
     */
    public static String taskId(String jobId, int index) {
        return jobId.startsWith("job_") ? "tsk_" + jobId.substring(4) + "_" + index : "tsk." + jobId + "_" + index;
    }

    /** The job id {@code taskId} was derived from ({@link #taskId}), or null when it is no task id. */
    static String jobIdOf(String taskId) {
        int end = taskId.lastIndexOf('_');
        if (end <= 4) {
            return null;
        }
        if (taskId.startsWith("tsk_")) {
            return "job_" + taskId.substring(4, end);
        }
        return taskId.startsWith("tsk.") ? taskId.substring(4, end) : null;
    }

    /** The arguments of {@link #HELD}, after {@code leading} ones. */
    private static Object[] held(String taskId, String leaseToken, Object... leading) {
        Object[] args = Arrays.copyOf(leading, leading.length + 3);
        args[leading.length] = jobIdOf(taskId);
        args[leading.length + 1] = taskId;
        args[leading.length + 2] = leaseToken;
        return args;
    }

    // ---------------------------------------------------------------- jobs

    @Override
    public CreateResult createJob(NewJob job) {
        return createJobs(List.of(Objects.requireNonNull(job, "job"))).get(0);
    }

    @Override
    public List<CreateResult> createJobs(List<NewJob> jobs) {
        for (NewJob job : jobs) {
            if (job.outputs().isEmpty()) {
                throw new IllegalArgumentException("job " + job.id() + " has no outputs");
            }
            if (job.maxAttempts() < 1) {
                throw new IllegalArgumentException("job " + job.id() + ": maxAttempts must be at least 1, not "
                        + job.maxAttempts());
            }
        }
        if (jobs.isEmpty()) {
            return List.of();
        }
        String what = jobs.size() == 1 ? "creating job " + jobs.get(0).id() : "creating " + jobs.size() + " jobs";
        try {
            return inTransaction(what, c -> insertJobs(c, jobs));
        } catch (StoreException e) {
            // why: where writers are not serialized (PostgreSQL) two requests with one key can both pass the lookup;
            // the unique index lets one win, and running again answers with the winner's job
            if (jobs.stream().anyMatch(j -> j.idempotencyKey() != null)) {
                return inTransaction(what, c -> insertJobs(c, jobs));
            }
            throw e;
        }
    }

    /** Inserts the jobs whose idempotency key is new, with their tasks and events, in a few batched statements. */
    private List<CreateResult> insertJobs(Connection c, List<NewJob> jobs) throws SQLException {
        Map<String, String> byKey = new HashMap<>();
        List<String> keys = jobs.stream().map(NewJob::idempotencyKey).filter(Objects::nonNull).distinct().toList();
        if (!keys.isEmpty()) {
            try (PreparedStatement ps = prepare(c, "SELECT idempotency_key, id FROM jobs WHERE "
                    + in("idempotency_key", keys.size()), keys.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byKey.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        long now = now(c);
        Instant at = Instant.ofEpochMilli(now);
        // the created jobs are answered as written, without reading them back; equal profiles are serialized once
        Map<Profile, String> profileJson = new HashMap<>();
        List<Job> createdJobs = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        List<Object[]> jobRows = new ArrayList<>();
        List<Object[]> taskRows = new ArrayList<>();
        List<Object[]> eventRows = new ArrayList<>();
        for (NewJob job : jobs) {
            String key = job.idempotencyKey();
            String earlier = key == null ? null : byKey.get(key);
            if (earlier != null) {
                createdJobs.add(null);
                existing.add(earlier);
                continue;
            }
            if (key != null) {
                byKey.put(key, job.id());
            }
            String metadata = JsonColumns.metadata(job.metadata());
            jobRows.add(new Object[] {job.id(), QUEUED, job.priority().wireName(), job.input(), metadata,
                    job.notifyUrl(), key, job.maxAttempts(), job.cloud(), now, now, job.ownerTokenHash()});
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < job.outputs().size(); i++) {
                OutputSpec out = job.outputs().get(i);
                int priority = Priority.combined(job.priority(), out.profile().priorityOrDefault());
                String profile = profileJson.computeIfAbsent(out.profile(), JsonColumns::profile);
                taskRows.add(new Object[] {taskId(job.id(), i), job.id(), i, out.name(), out.preset(), profile,
                        out.destination(), QUEUED, priority, job.cloud(), job.maxAttempts(), now, now, now, null,
                        out.parts(), out.parts()});
                tasks.add(newTask(job, i, out, null, at));
                for (int r = 0; r < out.parts(); r++) {
                    int idx = partIndex(i, r);
                    taskRows.add(new Object[] {taskId(job.id(), idx), job.id(), idx, out.name(), out.preset(), profile,
                            out.destination(), QUEUED, priority, job.cloud(), job.maxAttempts(), now, now, now, r, 0,
                            0});
                    tasks.add(newTask(job, idx, out, r, at));
                }
            }
            tasks.sort(Comparator.comparingInt(Task::index));
            createdJobs.add(new Job(job.id(), JobState.QUEUED, job.priority(), job.input(), null,
                    Collections.unmodifiableMap(JsonColumns.metadata(metadata)), job.notifyUrl(), job.cloud(), tasks,
                    at, null, null, at, job.ownerTokenHash()));
            eventRows.add(event(job.id(), null, "job.created", job.outputs().size() + " output(s)", now));
            for (String step : job.plan()) {
                eventRows.add(event(job.id(), null, "job.planned", step, now));
            }
        }
        insert(c, INSERT_JOBS, jobRows);
        insert(c, INSERT_TASKS, taskRows);
        insertEvents(c, eventRows);
        Map<String, Job> loaded = new HashMap<>(loadJobs(c, existing.stream().distinct().toList()));
        // a job created earlier in this same batch (a repeated key) is answered as created there
        createdJobs.stream().filter(Objects::nonNull).forEach(j -> loaded.put(j.id(), j));
        List<CreateResult> results = new ArrayList<>();
        int e = 0;
        for (Job created : createdJobs) {
            results.add(created != null ? new CreateResult(created, true)
                    : new CreateResult(loaded.get(existing.get(e++)), false));
        }
        return results;
    }

    /** A task as {@link #insertJobs} writes it: queued, never attempted. */
    private static Task newTask(NewJob job, int idx, OutputSpec out, Integer part, Instant at) {
        return new Task(taskId(job.id(), idx), job.id(), idx, out.name(), out.preset(), out.profile(),
                out.destination(), JobState.QUEUED, 0, 0, job.maxAttempts(), List.of(), null, null, null, 0, at, null,
                null, part, part == null ? out.parts() : 0);
    }

    @Override
    public Optional<Job> findJob(String jobId) {
        return read("finding job " + jobId, c -> loadJob(c, jobId));
    }

    @Override
    public Page<Job> listJobs(JobFilter filter) {
        Objects.requireNonNull(filter, "filter");
        int limit = filter.limit() <= 0 ? DEFAULT_PAGE : Math.min(filter.limit(), MAX_PAGE);
        Cursor after = filter.cursor() == null ? null : Cursor.decode(filter.cursor());
        StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM jobs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!filter.states().isEmpty()) {
            sql.append(" AND state IN (").append(placeholders(filter.states().size())).append(')');
            filter.states().stream().map(JobState::wireName).sorted().forEach(args::add);
        }
        if (filter.createdFrom() != null) {
            sql.append(" AND created_at >= ?");
            args.add(filter.createdFrom().toEpochMilli());
        }
        if (filter.createdTo() != null) {
            sql.append(" AND created_at < ?");
            args.add(filter.createdTo().toEpochMilli());
        }
        if (after != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(after.createdMillis());
            args.add(after.createdMillis());
            args.add(after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        return read("listing jobs", c -> {
            List<JobRow> rows = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, sql.toString(), args.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(JobRow.of(rs));
                }
            }
            boolean more = rows.size() > limit;
            if (more) {
                rows = rows.subList(0, limit);
            }
            Map<String, List<Task>> tasks = loadTasks(c, rows.stream().map(JobRow::id).toList());
            List<Job> jobs = rows.stream().map(r -> r.toJob(tasks.getOrDefault(r.id(), List.of()))).toList();
            String next = null;
            if (more) {
                Job last = jobs.get(jobs.size() - 1);
                next = new Cursor(last.createdAt().toEpochMilli(), last.id()).encode();
            }
            return new Page<>(jobs, next);
        });
    }

    @Override
    public List<JobEvent> events(String jobId) {
        return read("reading events of job " + jobId, c -> {
            List<JobEvent> events = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id, job_id, created_at, type, task_id, message FROM job_events "
                    + "WHERE job_id = ? ORDER BY id", jobId); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new JobEvent(rs.getLong("id"), rs.getString("job_id"), instant(rs, "created_at"),
                            rs.getString("type"), rs.getString("task_id"), rs.getString("message")));
                }
            }
            return events;
        });
    }

    @Override
    public void addEvent(String jobId, String taskId, String type, String message) {
        inTransaction("adding event " + type + " to job " + jobId, c -> {
            insertEvent(c, jobId, taskId, type, message, now(c));
            return null;
        });
    }

    @Override
    public void recordInputInfo(String jobId, MediaInfo info) {
        Objects.requireNonNull(info, "info");
        inTransaction("recording input info of job " + jobId, c -> update(c,
                "UPDATE jobs SET input_info = ?, updated_at = ? WHERE id = ? AND input_info IS NULL",
                JsonColumns.mediaInfo(info), now(c), jobId));
    }

    @Override
    public Optional<Job> cancelJob(String jobId) {
        return inTransaction("cancelling job " + jobId, c -> {
            Optional<JobState> state = jobState(c, jobId);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            if (state.get().terminal()) {
                throw new IllegalStateException("job " + jobId + " is already " + state.get().wireName());
            }
            long now = now(c);
            // clearing the token makes the running tasks' heartbeats fail, so their workers stop
            int tasks = update(c, "UPDATE tasks SET state = ?, lease_token = NULL, lease_until = NULL, finished_at = ?, "
                    + "updated_at = ? WHERE job_id = ? AND state IN " + ACTIVE_STATES, CANCELLED, now, now, jobId);
            // why: tasks first, then the job, the order claims and completions take them in (no deadlock); a job
            // whose last task finished meanwhile keeps the state that finish gave it
            Map<String, LockedJob> locked = lockJobs(c, List.of(jobId));
            if (!locked.get(jobId).state().terminal()) {
                finishJobs(c, List.of(jobId), JobState.CANCELLED,
                        Map.of(jobId, "cancelled; " + tasks + " unfinished output(s) stopped"), locked, now);
            }
            return loadJob(c, jobId);
        });
    }

    @Override
    public Optional<Job> retryJob(String jobId) {
        return inTransaction("retrying job " + jobId, c -> {
            Optional<JobState> state = jobState(c, jobId);
            if (state.isEmpty()) {
                return Optional.empty();
            }
            if (state.get() != JobState.FAILED && state.get() != JobState.CANCELLED) {
                throw new IllegalStateException("job " + jobId + " is " + state.get().wireName()
                        + "; only failed or cancelled jobs can be retried");
            }
            long now = now(c);
            int tasks = update(c, "UPDATE tasks SET state = ?, "
                    + "max_attempts = attempt + (SELECT j.max_attempts FROM jobs j WHERE j.id = tasks.job_id), "
                    + "run_after = ?, progress = 0, error_code = NULL, error_message = NULL, log_tail = NULL, "
                    + "lease_token = NULL, lease_until = NULL, worker_id = NULL, finished_at = NULL, updated_at = ? "
                    + "WHERE job_id = ? AND state IN ('failed', 'cancelled')", QUEUED, now, now, jobId);
            update(c, "UPDATE tasks SET waiting_on = (SELECT COUNT(*) FROM tasks p WHERE p.job_id = tasks.job_id "
                    + "AND p.name = tasks.name AND p.part IS NOT NULL AND p.state <> 'succeeded') "
                    + "WHERE job_id = ? AND parts > 0", jobId);
            update(c, "UPDATE jobs SET state = ?, finished_at = NULL, updated_at = ? WHERE id = ?", QUEUED, now, jobId);
            insertEvent(c, jobId, null, "job.retried", tasks + " task(s) queued again", now);
            return loadJob(c, jobId);
        });
    }

    // ---------------------------------------------------------------- queue

    @Override
    public List<ClaimedTask> claim(String workerId, List<String> clouds, int max, Duration lease) {
        Objects.requireNonNull(workerId, "workerId");
        requirePositive(lease, "lease");
        if (max < 1 || clouds.isEmpty()) {
            return List.of();
        }
        return inTransaction("claiming tasks for worker " + workerId, c -> {
            long now = now(c);
            // why: one query per tier of equal cloud priority keeps every query on the queue index (tasks_claim:
            // cloud, priority, seq), so a claim costs the same with a million tasks queued as with a thousand
            List<String> candidates = new ArrayList<>();
            Set<String> candidateJobs = new LinkedHashSet<>();
            // a single cloud is its own tier: a cloud that does not exist has no tasks, so it needs no lookup
            List<List<String>> tiers = clouds.size() == 1 ? List.of(clouds) : cloudTiers(c, clouds);
            for (List<String> tier : tiers) {
                if (candidates.size() >= max) {
                    break;
                }
                List<Object> args = new ArrayList<>(tier);
                args.add(now);
                args.add(max - candidates.size());
                try (PreparedStatement ps = prepare(c, "SELECT id, job_id FROM tasks WHERE state = 'queued' "
                        + "AND cloud IN (" + placeholders(tier.size()) + ") AND run_after <= ? AND waiting_on = 0 "
                        + "ORDER BY priority DESC, seq LIMIT ?" + dialect.skipLocked(), args.toArray());
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getString(1));
                        candidateJobs.add(rs.getString(2));
                    }
                }
            }
            if (candidates.isEmpty()) {
                return List.of();
            }
            // One token per claim: a token only has to differ from every other lease of the same task.
            // The candidates are locked by this transaction, so they are still queued.
            String token = newToken();
            List<Object> args = new ArrayList<>(List.of(RUNNING, token, now + lease.toMillis(), workerId, now, now));
            args.addAll(candidateJobs);
            args.addAll(candidates);
            Map<String, Task> tasks = new HashMap<>();
            try (PreparedStatement ps = prepare(c, "UPDATE tasks SET state = ?, attempt = attempt + 1, lease_token = ?, "
                    + "lease_until = ?, worker_id = ?, started_at = COALESCE(started_at, ?), updated_at = ? WHERE "
                    + in("job_id", candidateJobs.size()) + " AND " + in("id", candidates.size()) + " RETURNING "
                    + TASK_COLUMNS, args.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Task t = task(rs);
                    tasks.put(t.id(), t);
                }
            }
            Map<String, LockedJob> jobs = lockJobs(c, tasks.values().stream().map(Task::jobId).toList());
            List<String> started = jobs.entrySet().stream().filter(e -> e.getValue().state() == JobState.QUEUED)
                    .map(Map.Entry::getKey).toList();
            if (!started.isEmpty()) {
                List<Object> jobArgs = new ArrayList<>(List.of(RUNNING, now, now));
                jobArgs.addAll(started);
                update(c, "UPDATE jobs SET state = ?, started_at = COALESCE(started_at, ?), updated_at = ? WHERE "
                        + in("id", started.size()), jobArgs.toArray());
            }
            List<ClaimedTask> claimed = new ArrayList<>();
            List<Object[]> events = new ArrayList<>();
            for (String id : candidates) {
                Task task = tasks.get(id);
                if (task != null) {
                    claimed.add(new ClaimedTask(task, token, jobs.get(task.jobId()).input()));
                    events.add(event(task.jobId(), task.id(), "task.started",
                            "attempt " + task.attempt() + " of " + task.maxAttempts() + " on worker " + workerId, now));
                }
            }
            insertEvents(c, events);
            return claimed;
        });
    }

    /** The named clouds that exist, grouped by priority, highest first. */
    private static List<List<String>> cloudTiers(Connection c, List<String> clouds) throws SQLException {
        List<String> names = clouds.stream().distinct().toList();
        TreeMap<Integer, List<String>> tiers = new TreeMap<>(Comparator.reverseOrder());
        try (PreparedStatement ps = prepare(c, "SELECT name, priority FROM clouds WHERE name IN ("
                + placeholders(names.size()) + ")", names.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tiers.computeIfAbsent(rs.getInt(2), k -> new ArrayList<>()).add(rs.getString(1));
            }
        }
        return new ArrayList<>(tiers.values());
    }

    @Override
    public boolean heartbeat(String taskId, String leaseToken, Duration lease, Double progress) {
        requirePositive(lease, "lease");
        return inTransaction("heartbeat of task " + taskId, c -> {
            long now = now(c);
            if (progress == null || progress.isNaN()) {
                return update(c, "UPDATE tasks SET lease_until = ?, updated_at = ?" + HELD,
                        held(taskId, leaseToken, now + lease.toMillis(), now)) > 0;
            }
            double p = Math.max(0, Math.min(100, progress));
            return update(c, "UPDATE tasks SET lease_until = ?, progress = ?, updated_at = ?" + HELD,
                    held(taskId, leaseToken, now + lease.toMillis(), p, now)) > 0;
        });
    }

    @Override
    public boolean complete(String taskId, String leaseToken, List<OutputFile> files, double cpuSeconds) {
        return completeAll(List.of(new Completion(taskId, leaseToken, files, cpuSeconds))).get(0);
    }

    @Override
    public List<Boolean> completeAll(List<Completion> completions) {
        if (completions.isEmpty()) {
            return List.of();
        }
        String what = completions.size() == 1 ? "completing task " + completions.get(0).taskId()
                : "completing " + completions.size() + " tasks";
        return inTransaction(what, c -> {
            long now = now(c);
            // Completions with the same files, CPU time and lease token (a null encoder's batch) share one statement.
            Map<List<Object>, List<Completion>> alike = new LinkedHashMap<>();
            for (Completion d : completions) {
                alike.computeIfAbsent(List.of(JsonColumns.files(d.files()), d.cpuSeconds(), d.leaseToken()),
                        k -> new ArrayList<>()).add(d);
            }
            Map<String, String> jobOf = new HashMap<>();
            List<Object[]> finishedParts = new ArrayList<>();
            for (Map.Entry<List<Object>, List<Completion>> group : alike.entrySet()) {
                List<Object> args = new ArrayList<>(List.of(SUCCEEDED, group.getKey().get(0), group.getKey().get(1),
                        now, now, group.getKey().get(2)));
                List<String> jobIds = group.getValue().stream().map(d -> jobIdOf(d.taskId())).distinct().toList();
                args.addAll(jobIds);
                args.addAll(group.getValue().stream().map(Completion::taskId).toList());
                // why: the rows are found by key alone; a state condition would let the planner, with statistics
                // from a quieter moment, walk the running-task index instead. A lease token is set only while its
                // task runs (every way out of running clears it), so the token alone fences.
                try (PreparedStatement ps = prepare(c, "UPDATE tasks SET state = ?, progress = 100, files = ?, "
                        + "cpu_seconds = cpu_seconds + ?, error_code = NULL, error_message = NULL, log_tail = NULL, "
                        + "lease_token = NULL, lease_until = NULL, finished_at = ?, updated_at = ? "
                        + "WHERE lease_token = ? AND " + in("job_id", jobIds.size()) + " AND "
                        + in("id", group.getValue().size())
                        + " RETURNING id, job_id, name, part", args.toArray()); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobOf.put(rs.getString(1), rs.getString(2));
                        if (rs.getObject(4) != null) {
                            finishedParts.add(new Object[] {now, rs.getString(2), rs.getString(3)});
                        }
                    }
                }
            }
            // a finished rendition brings its output's packaging task one step closer to runnable
            batch(c, "UPDATE tasks SET waiting_on = waiting_on - 1, updated_at = ? WHERE job_id = ? AND name = ? "
                    + "AND part IS NULL AND waiting_on > 0", finishedParts);
            List<Boolean> held = completions.stream().map(d -> jobOf.containsKey(d.taskId())).toList();
            List<Object[]> events = new ArrayList<>();
            for (Completion d : completions) {
                if (jobOf.containsKey(d.taskId())) {
                    events.add(event(jobOf.get(d.taskId()), d.taskId(), "task.succeeded",
                            d.files().size() + " file(s) published", now));
                }
            }
            insertEvents(c, events);
            finishJobsIfDone(c, jobOf.values(), now);
            return held;
        });
    }

    @Override
    public boolean fail(String taskId, String leaseToken, TaskFailure failure) {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(failure.code(), "failure.code");
        return inTransaction("failing task " + taskId, c -> {
            Attempt a = heldAttempt(c, taskId, leaseToken);
            if (a == null) {
                return false;
            }
            long now = now(c);
            ErrorCode code = failure.code();
            String reason = code.code() + (failure.message() == null ? "" : ": " + failure.message());
            if (code.retryable() && a.attempt() < a.maxAttempts()) {
                long delay = failure.retryAfter() == null ? 0 : Math.max(0, failure.retryAfter().toMillis());
                int n = update(c, "UPDATE tasks SET state = ?, run_after = ?, progress = 0, lease_token = NULL, "
                                + "lease_until = NULL, worker_id = NULL, error_code = ?, error_message = ?, log_tail = ?, "
                                + "cpu_seconds = cpu_seconds + ?, updated_at = ?" + HELD,
                        held(taskId, leaseToken, QUEUED, now + delay, code.code(), failure.message(),
                                failure.logTail(), failure.cpuSeconds(), now));
                if (n == 0) {
                    return false;
                }
                insertEvent(c, a.jobId(), taskId, "task.retrying", reason + " (attempt " + a.attempt() + " of "
                        + a.maxAttempts() + "; next try in " + seconds(delay) + ")", now);
                return true;
            }
            int n = update(c, "UPDATE tasks SET state = ?, lease_token = NULL, lease_until = NULL, error_code = ?, "
                            + "error_message = ?, log_tail = ?, cpu_seconds = cpu_seconds + ?, finished_at = ?, "
                            + "updated_at = ?" + HELD,
                    held(taskId, leaseToken, FAILED, code.code(), failure.message(), failure.logTail(),
                            failure.cpuSeconds(), now, now));
            if (n == 0) {
                return false;
            }
            insertEvent(c, a.jobId(), taskId, "task.failed",
                    reason + " (attempt " + a.attempt() + " of " + a.maxAttempts() + ")", now);
            failPackagingOf(c, taskId, reason, now);
            finishJobIfDone(c, a.jobId(), now);
            return true;
        });
    }

    @Override
    public boolean release(String taskId, String leaseToken) {
        return inTransaction("releasing task " + taskId, c -> {
            Attempt a = heldAttempt(c, taskId, leaseToken);
            if (a == null) {
                return false;
            }
            long now = now(c);
            int n = update(c, "UPDATE tasks SET state = ?, attempt = attempt - 1, run_after = ?, progress = 0, "
                    + "lease_token = NULL, lease_until = NULL, worker_id = NULL, updated_at = ?" + HELD,
                    held(taskId, leaseToken, QUEUED, now, now));
            if (n == 0) {
                return false;
            }
            insertEvent(c, a.jobId(), taskId, "task.released", "given back by its worker; the attempt does not count", now);
            return true;
        });
    }

    @Override
    public int reapExpiredLeases(Duration backoff) {
        long backoffMillis = backoff == null ? 0 : Math.max(0, backoff.toMillis());
        return inTransaction("reaping expired leases", c -> {
            long now = now(c);
            List<Attempt> expired = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id, job_id, attempt, max_attempts, worker_id FROM tasks "
                    + "WHERE state = 'running' AND lease_until < ? ORDER BY job_id, id" + dialect.skipLocked(), now);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expired.add(new Attempt(rs.getString("id"), rs.getString("job_id"), rs.getInt("attempt"),
                            rs.getInt("max_attempts"), rs.getString("worker_id")));
                }
            }
            int reaped = 0;
            for (Attempt a : expired) {
                String which = "attempt " + a.attempt() + " of " + a.maxAttempts() + " on worker " + a.workerId();
                String stillExpired = " WHERE job_id = ? AND id = ? AND state = 'running' AND lease_until < ?";
                if (a.attempt() < a.maxAttempts()) {
                    long delay = backoffMillis * a.attempt();
                    int n = update(c, "UPDATE tasks SET state = ?, run_after = ?, progress = 0, lease_token = NULL, "
                            + "lease_until = NULL, worker_id = NULL, updated_at = ?" + stillExpired,
                            QUEUED, now + delay, now, a.jobId(), a.taskId(), now);
                    if (n > 0) {
                        reaped++;
                        insertEvent(c, a.jobId(), a.taskId(), "task.lease_expired",
                                "lease of " + which + " expired; next try in " + seconds(delay), now);
                    }
                } else {
                    int n = update(c, "UPDATE tasks SET state = ?, lease_token = NULL, lease_until = NULL, "
                            + "error_code = ?, error_message = ?, finished_at = ?, updated_at = ?" + stillExpired,
                            FAILED, ErrorCode.LEASE_EXPIRED.code(), "lease of " + which + " expired; no attempts left",
                            now, now, a.jobId(), a.taskId(), now);
                    if (n > 0) {
                        reaped++;
                        insertEvent(c, a.jobId(), a.taskId(), "task.failed",
                                ErrorCode.LEASE_EXPIRED.code() + ": lease of " + which + " expired", now);
                        failPackagingOf(c, a.taskId(), ErrorCode.LEASE_EXPIRED.code(), now);
                        finishJobIfDone(c, a.jobId(), now);
                    }
                }
            }
            if (reaped > 0) {
                log.info("reaped {} task(s) whose lease expired", reaped);
            }
            return reaped;
        });
    }

    @Override
    public Optional<Instant> nextRunnableAt() {
        return read("finding the next runnable task", c -> {
            try (PreparedStatement ps = prepare(c, "SELECT MIN(run_after) FROM tasks WHERE state = 'queued'");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(instant(rs, 1)) : Optional.empty();
            }
        });
    }

    // ---------------------------------------------------------------- clouds and workers

    @Override
    public Cloud putCloud(String name, int priority) {
        if (!Cloud.validName(name)) {
            throw new IllegalArgumentException("invalid cloud name: " + name);
        }
        return inTransaction("storing cloud " + name, c -> {
            long now = now(c);
            update(c, "INSERT INTO clouds (name, priority, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (name) DO UPDATE SET priority = excluded.priority, updated_at = excluded.updated_at",
                    name, priority, now, now);
            return loadCloud(c, name).orElseThrow();
        });
    }

    @Override
    public Optional<Cloud> findCloud(String name) {
        return read("loading cloud " + name, c -> loadCloud(c, name));
    }

    @Override
    public List<Cloud> listClouds() {
        return read("listing clouds", c -> {
            List<Cloud> clouds = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT name, priority, created_at, updated_at FROM clouds "
                    + "ORDER BY priority DESC, name"); ResultSet rs = ps.executeQuery()) {
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
        return inTransaction("deleting cloud " + name, c -> {
            try (PreparedStatement ps = prepare(c, "SELECT COUNT(*) FROM tasks WHERE cloud = ? AND state IN "
                    + ACTIVE_STATES, name); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    throw new IllegalStateException("cloud " + name + " has " + rs.getInt(1) + " queued or running task(s)");
                }
            }
            return update(c, "DELETE FROM clouds WHERE name = ?", name) > 0;
        });
    }

    private static Optional<Cloud> loadCloud(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT name, priority, created_at, updated_at FROM clouds WHERE name = ?",
                name); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(cloud(rs)) : Optional.empty();
        }
    }

    private static Cloud cloud(ResultSet rs) throws SQLException {
        return new Cloud(rs.getString("name"), rs.getInt("priority"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    @Override
    public void recordWorker(WorkerStatus w) {
        inTransaction("recording worker " + w.id(), c -> {
            long now = now(c);
            return update(c, "INSERT INTO workers (id, clouds, slots, active, host, encoder, started_at, last_seen) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET clouds = excluded.clouds, "
                    + "slots = excluded.slots, active = excluded.active, host = excluded.host, "
                    + "encoder = excluded.encoder, last_seen = excluded.last_seen",
                    w.id(), String.join(",", w.clouds()), w.slots(), w.active(), w.host(), w.encoder(), now, now);
        });
    }

    @Override
    public void removeWorker(String workerId) {
        inTransaction("removing worker " + workerId, c -> update(c, "DELETE FROM workers WHERE id = ?", workerId));
    }

    @Override
    public List<WorkerStatus> listWorkers(Duration seenWithin) {
        return inTransaction("listing workers", c -> {
            update(c, "DELETE FROM workers WHERE last_seen < ?", now(c) - seenWithin.toMillis());
            List<WorkerStatus> workers = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id, clouds, slots, active, host, encoder, started_at, "
                    + "last_seen FROM workers ORDER BY id"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    workers.add(new WorkerStatus(rs.getString("id"), List.of(rs.getString("clouds").split(",")),
                            rs.getInt("slots"), rs.getInt("active"), rs.getString("host"), rs.getString("encoder"),
                            instant(rs, "started_at"), instant(rs, "last_seen")));
                }
            }
            return workers;
        });
    }

    // ---------------------------------------------------------------- profiles

    @Override
    public StoredProfile putProfile(String name, String preset, Profile fields) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fields, "fields");
        return inTransaction("storing profile " + name, c -> {
            long now = now(c);
            update(c, "INSERT INTO profiles (name, preset, fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                            + "ON CONFLICT (name) DO UPDATE SET preset = excluded.preset, fields = excluded.fields, "
                            + "updated_at = excluded.updated_at",
                    name, preset, JsonColumns.profile(fields), now, now);
            return loadProfile(c, name).orElseThrow();
        });
    }

    @Override
    public Optional<StoredProfile> findProfile(String name) {
        return read("finding profile " + name, c -> loadProfile(c, name));
    }

    @Override
    public List<StoredProfile> listProfiles() {
        return read("listing profiles", c -> {
            List<StoredProfile> profiles = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT name, preset, fields, created_at, updated_at FROM profiles "
                    + "ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    profiles.add(profile(rs));
                }
            }
            return profiles;
        });
    }

    @Override
    public boolean deleteProfile(String name) {
        return inTransaction("deleting profile " + name,
                c -> update(c, "DELETE FROM profiles WHERE name = ?", name) > 0);
    }

    // ---------------------------------------------------------------- webhook outbox

    @Override
    public List<WebhookDelivery> dueWebhooks(int max) {
        if (max < 1) {
            return List.of();
        }
        return inTransaction("claiming due webhooks", c -> {
            long now = now(c);
            List<WebhookDelivery> due = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT id, job_id, url, event, attempts FROM outbox "
                    + "WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ? "
                    + "ORDER BY id LIMIT ?" + dialect.skipLocked(), now, max); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new WebhookDelivery(rs.getLong("id"), rs.getString("job_id"), rs.getString("url"),
                            rs.getString("event"), rs.getInt("attempts")));
                }
            }
            // why: several orchestrators may relay at once; pushing the rows out of "due" while one delivers them
            // keeps the others away. A relay that dies mid-delivery leaves them due again after the claim lapses.
            for (WebhookDelivery d : due) {
                update(c, "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", now + WEBHOOK_CLAIM.toMillis(), d.id());
            }
            return due;
        });
    }

    @Override
    public void markWebhookDelivered(long id, int httpStatus) {
        inTransaction("marking webhook " + id + " delivered", c -> {
            long now = now(c);
            return update(c, "UPDATE outbox SET delivered_at = ?, http_status = ?, attempts = attempts + 1, "
                    + "last_error = NULL WHERE id = ? AND delivered_at IS NULL", now, httpStatus, id);
        });
    }

    @Override
    public void markWebhookFailed(long id, String error, Duration retryAfter, int giveUpAfterAttempts) {
        long delay = retryAfter == null ? 0 : Math.max(0, retryAfter.toMillis());
        inTransaction("marking webhook " + id + " failed", c -> {
            long now = now(c);
            int n = update(c, "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
                            + "given_up_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE NULL END "
                            + "WHERE id = ? AND delivered_at IS NULL AND given_up_at IS NULL",
                    error, now + delay, giveUpAfterAttempts, now, id);
            if (n > 0) {
                try (PreparedStatement ps = prepare(c, "SELECT job_id, attempts FROM outbox WHERE id = ? "
                        + "AND given_up_at IS NOT NULL", id); ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        log.warn("giving up on webhook {} of job {} after {} attempts: {}", id, rs.getString(1),
                                rs.getInt(2), error);
                    }
                }
            }
            return n;
        });
    }

    @Override
    public void close() {
        if (dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new StoreException("closing the " + dialect.name() + " store failed", e);
            }
        }
    }

    // ---------------------------------------------------------------- job finalization

    /** A rendition that failed for good leaves its output's packaging task nothing to package: it fails too. */
    private void failPackagingOf(Connection c, String taskId, String why, long now) throws SQLException {
        String jobId;
        String name;
        int part;
        try (PreparedStatement ps = prepare(c, "SELECT job_id, name, part FROM tasks WHERE job_id = ? AND id = ?",
                jobIdOf(taskId), taskId);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getObject(3) == null) {
                return;
            }
            jobId = rs.getString(1);
            name = rs.getString(2);
            part = rs.getInt(3);
        }
        String message = "rendition " + (part + 1) + " failed: " + why;
        List<Object[]> failed = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "UPDATE tasks SET state = ?, error_code = ?, error_message = ?, "
                + "finished_at = ?, updated_at = ? WHERE job_id = ? AND name = ? AND part IS NULL AND state = 'queued' "
                + "RETURNING id", FAILED, ErrorCode.PART_FAILED.code(), message, now, now, jobId, name);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                failed.add(event(jobId, rs.getString(1), "task.failed", ErrorCode.PART_FAILED.code() + ": " + message,
                        now));
            }
        }
        insertEvents(c, failed);
    }

    /** Makes the job terminal once none of its tasks is queued or running. */
    private void finishJobIfDone(Connection c, String jobId, long now) throws SQLException {
        finishJobsIfDone(c, List.of(jobId), now);
    }

    /**
     * Makes each job terminal once none of its tasks is queued or running: its state, its {@code job.<state>} event
     * and (with a notify URL) its outbox row, in the caller's transaction.
     */
    private void finishJobsIfDone(Connection c, java.util.Collection<String> jobs, long now) throws SQLException {
        // why: where writers run concurrently (PostgreSQL), two transactions finishing a job's last two tasks would each
        // see the other's task still running and leave the job unfinished; locking the job rows first makes the later
        // one count after the earlier one committed
        Map<String, LockedJob> locked = lockJobs(c, jobs);
        List<String> jobIds = locked.entrySet().stream().filter(e -> !e.getValue().state().terminal())
                .map(Map.Entry::getKey).toList();
        if (jobIds.isEmpty()) {
            return;
        }
        Map<String, Map<JobState, Integer>> counts = new HashMap<>();
        try (PreparedStatement ps = prepare(c, "SELECT job_id, state, COUNT(*) FROM tasks WHERE "
                + in("job_id", jobIds.size()) + " GROUP BY job_id, state", jobIds.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), k -> new EnumMap<>(JobState.class))
                        .put(JobState.parse(rs.getString(2)), rs.getInt(3));
            }
        }
        Map<JobState, List<String>> finishing = new EnumMap<>(JobState.class);
        Map<String, String> messages = new HashMap<>();
        for (String jobId : jobIds) {
            Map<JobState, Integer> n = counts.getOrDefault(jobId, Map.of());
            if (n.containsKey(JobState.QUEUED) || n.containsKey(JobState.RUNNING)) {
                continue;
            }
            int total = n.values().stream().mapToInt(Integer::intValue).sum();
            int failed = n.getOrDefault(JobState.FAILED, 0);
            int cancelled = n.getOrDefault(JobState.CANCELLED, 0);
            JobState state;
            if (failed > 0) {
                state = JobState.FAILED;
                messages.put(jobId, failed + " of " + total + " output(s) failed");
            } else if (cancelled > 0) {
                state = JobState.CANCELLED;
                messages.put(jobId, cancelled + " of " + total + " output(s) cancelled");
            } else {
                state = JobState.SUCCEEDED;
                messages.put(jobId, "all " + total + " output(s) succeeded");
            }
            finishing.computeIfAbsent(state, k -> new ArrayList<>()).add(jobId);
        }
        for (Map.Entry<JobState, List<String>> e : finishing.entrySet()) {
            finishJobs(c, e.getValue(), e.getKey(), messages, locked, now);
        }
    }

    /**
     * Makes {@code jobIds}, which the caller locked ({@link #lockJobs}) and found unfinished, terminal in
     * {@code state}, each with its timeline event and (with a notify URL) its outbox row.
     */
    private void finishJobs(Connection c, List<String> jobIds, JobState state, Map<String, String> messages,
            Map<String, LockedJob> locked, long now) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(state.wireName(), now, now));
        args.addAll(jobIds);
        update(c, "UPDATE jobs SET state = ?, finished_at = ?, updated_at = ? WHERE " + in("id", jobIds.size()),
                args.toArray());
        String event = "job." + state.wireName();
        insertEvents(c, jobIds.stream().map(id -> event(id, null, event, messages.get(id), now)).toList());
        List<String> notifying = jobIds.stream().filter(id -> locked.get(id).notifies()).toList();
        if (notifying.isEmpty()) {
            return;
        }
        List<Object> outboxArgs = new ArrayList<>(List.of(event, now, now));
        outboxArgs.addAll(notifying);
        update(c, "INSERT INTO outbox (job_id, url, event, created_at, next_attempt_at) SELECT id, notify_url, ?, ?, ? "
                + "FROM jobs WHERE " + in("id", notifying.size()), outboxArgs.toArray());
    }

    /**
     * Locks the jobs that exist among {@code jobIds} for this transaction, in id order, the order every transaction
     * takes several jobs in, so that concurrent ones (PostgreSQL) cannot deadlock; answers their state, their input
     * and whether they have a notify URL. The rows are found by id alone: a state condition here once let the
     * planner, with statistics from when few jobs were queued, read every queued job to find a batch's 64.
     */
    private Map<String, LockedJob> lockJobs(Connection c, java.util.Collection<String> jobIds) throws SQLException {
        List<String> ids = jobIds.stream().distinct().sorted().toList();
        Map<String, LockedJob> locked = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return locked;
        }
        try (PreparedStatement ps = prepare(c, "SELECT id, state, input, notify_url IS NOT NULL FROM jobs WHERE "
                + in("id", ids.size()) + " ORDER BY id" + dialect.lockForUpdate(), ids.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                locked.put(rs.getString(1),
                        new LockedJob(JobState.parse(rs.getString(2)), rs.getString(3), rs.getBoolean(4)));
            }
        }
        return locked;
    }

    /** A job as {@link #lockJobs} found it; {@code notifies}: it has a notify URL. */
    private record LockedJob(JobState state, String input, boolean notifies) {}

    // ---------------------------------------------------------------- loading

    private Optional<Job> loadJob(Connection c, String jobId) throws SQLException {
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
    private Map<String, Job> loadJobs(Connection c, List<String> jobIds) throws SQLException {
        Map<String, JobRow> rows = new HashMap<>();
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        try (PreparedStatement ps = prepare(c, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE " + in("id", jobIds.size()),
                jobIds.toArray()); ResultSet rs = ps.executeQuery()) {
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
    private Map<String, List<Task>> loadTasks(Connection c, List<String> jobIds) throws SQLException {
        Map<String, List<Task>> byJob = new LinkedHashMap<>();
        if (jobIds.isEmpty()) {
            return byJob;
        }
        try (PreparedStatement ps = prepare(c, "SELECT " + TASK_COLUMNS + " FROM tasks WHERE "
                + in("job_id", jobIds.size()) + " ORDER BY job_id, idx", jobIds.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Task t = task(rs);
                byJob.computeIfAbsent(t.jobId(), k -> new ArrayList<>()).add(t);
            }
        }
        return byJob;
    }

    private static Task task(ResultSet rs) throws SQLException {
        return new Task(
                rs.getString("id"),
                rs.getString("job_id"),
                rs.getInt("idx"),
                rs.getString("name"),
                rs.getString("preset"),
                JsonColumns.profile(rs.getString("profile")),
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
                rs.getInt("parts"));
    }

    private static Optional<JobState> jobState(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT state FROM jobs WHERE id = ?", jobId);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(JobState.parse(rs.getString(1))) : Optional.empty();
        }
    }

    private static Optional<String> jobIdByKey(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT id FROM jobs WHERE idempotency_key = ?", key);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** The attempt a token holds, or null when the token no longer holds a running lease. */
    private Attempt heldAttempt(Connection c, String taskId, String leaseToken) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT id, job_id, attempt, max_attempts, worker_id FROM tasks" + HELD,
                held(taskId, leaseToken)); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new Attempt(rs.getString("id"), rs.getString("job_id"), rs.getInt("attempt"),
                    rs.getInt("max_attempts"), rs.getString("worker_id"));
        }
    }

    private Optional<StoredProfile> loadProfile(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT name, preset, fields, created_at, updated_at FROM profiles "
                + "WHERE name = ?", name); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(profile(rs)) : Optional.empty();
        }
    }

    private static StoredProfile profile(ResultSet rs) throws SQLException {
        return new StoredProfile(rs.getString("name"), rs.getString("preset"),
                JsonColumns.profile(rs.getString("fields")), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static final RowInsert INSERT_JOBS = new RowInsert("jobs", "id text", "state text", "priority text",
            "input text", "metadata text", "notify_url text", "idempotency_key text", "max_attempts int4", "cloud text",
            "created_at int8", "updated_at int8", "owner_token_hash text");
    private static final RowInsert INSERT_TASKS = new RowInsert("tasks", "id text", "job_id text", "idx int4",
            "name text", "preset text", "profile text", "destination text", "state text", "priority int4", "cloud text",
            "max_attempts int4", "run_after int8", "created_at int8", "updated_at int8", "part int4", "parts int4",
            "waiting_on int4");
    private static final RowInsert INSERT_EVENTS = new RowInsert("job_events", "job_id text", "task_id text",
            "created_at int8", "type text", "message text");

    private void insertEvent(Connection c, String jobId, String taskId, String type, String message, long now)
            throws SQLException {
        insertEvents(c, List.<Object[]>of(event(jobId, taskId, type, message, now)));
    }

    /** A row for {@link #insertEvents}. */
    private static Object[] event(String jobId, String taskId, String type, String message, long now) {
        return new Object[] {jobId, taskId, now, type, message};
    }

    private void insertEvents(Connection c, List<Object[]> events) throws SQLException {
        insert(c, INSERT_EVENTS, events);
    }

    /**
     * Inserts rows into one table: where the engine has arrays ({@link Dialect#bindsArrays()}), in one statement
     * that binds one array per column; else as a JDBC batch.
     */
    private void insert(Connection c, RowInsert insert, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (!dialect.bindsArrays()) {
            batch(c, insert.valuesSql(), rows);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insert.unnestSql())) {
            for (int col = 0; col < insert.types().size(); col++) {
                String type = insert.types().get(col);
                Object[] values = switch (type) {
                    case "int4" -> new Integer[rows.size()];
                    case "int8" -> new Long[rows.size()];
                    default -> new String[rows.size()];
                };
                for (int r = 0; r < rows.size(); r++) {
                    Object v = rows.get(r)[col];
                    values[r] = v == null ? null : switch (type) {
                        case "int4" -> ((Number) v).intValue();
                        case "int8" -> ((Number) v).longValue();
                        default -> (String) v;
                    };
                }
                ps.setArray(col + 1, c.createArrayOf(type, values));
            }
            ps.executeUpdate();
        }
    }

    /**
     * An INSERT of whole rows: a table and its columns, each with its SQL type ({@code text}, {@code int4} or
     * {@code int8}).
     */
    private record RowInsert(String table, List<String> columns, List<String> types) {
        RowInsert(String table, String... typedColumns) {
            this(table, Arrays.stream(typedColumns).map(t -> t.split(" ")[0]).toList(),
                    Arrays.stream(typedColumns).map(t -> t.split(" ")[1]).toList());
        }

        String valuesSql() {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + placeholders(columns.size()) + ")";
        }

        /** One statement text for any number of rows, so the server plans it once per connection. */
        String unnestSql() {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT * FROM unnest("
                    + types.stream().map(t -> "?::" + t + "[]").collect(Collectors.joining(", ")) + ")";
        }
    }

    // ---------------------------------------------------------------- JDBC plumbing

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction (on SQLite a {@code BEGIN IMMEDIATE}: writers queue rather than deadlock). */
    private <T> T inTransaction(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
            // why: leaving manual-commit mode commits (JDBC), and unlike commit() it does not make sqlite-jdbc begin
            // the next IMMEDIATE transaction at once, which would queue for the write lock again and could fail
            // with SQLITE_BUSY after our own commit had succeeded
            c.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    private <T> T read(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** "Now" for one call: the test clock if there is one, else the database's clock. */
    private long now(Connection c) throws SQLException {
        if (testClock != null) {
            return testClock.millis();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + dialect.nowMillis());
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Runs one statement for each row as a JDBC batch (one round trip where the driver allows); counts per row. */
    private static int[] batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }

    /**
     * {@code column IN (?, ...)} for {@code n} values. Not {@code = ANY (?)} with an array: PostgreSQL plans that once
     * for any length, and with statistics from when the table was small the plan read the whole table for 64 ids.
     */
    private static String in(String column, int n) {
        return column + " IN (" + placeholders(n) + ")";
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private String newToken() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis / 1000.0 + "s";
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }

    private record Attempt(String taskId, String jobId, int attempt, int maxAttempts, String workerId) {}

    private record JobRow(String id, JobState state, Priority priority, String input, MediaInfo inputInfo,
            Map<String, Object> metadata, String notifyUrl, String cloud, Instant createdAt, Instant startedAt, Instant finishedAt,
            Instant updatedAt, String ownerTokenHash) {
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
                    rs.getString("owner_token_hash"));
        }

        Job toJob(List<Task> tasks) {
            return new Job(id, state, priority, input, inputInfo, metadata, notifyUrl, cloud, tasks, createdAt, startedAt,
                    finishedAt, updatedAt, ownerTokenHash);
        }
    }

    /** Where a listing page ended: opaque to clients (base64url of {@code createdMillis:id}). */
    private record Cursor(long createdMillis, String id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
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
