package io.nommer.store;

import static io.nommer.store.JobFinisher.event;
import static io.nommer.store.Sql.batch;
import static io.nommer.store.Sql.in;
import static io.nommer.store.Sql.placeholders;
import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.job.TaskIds;
import io.nommer.core.job.Timeline;
import io.nommer.core.queue.Attempt;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.stack.Stack;
import io.nommer.core.tenant.TenantLimits;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskQueue} on JDBC. Every write for a leased task names its fencing token ({@code WHERE job_id = ? AND
 * id = ? AND lease_token = ? AND state = 'running'}); a write that matches no row changes nothing and reports
 * {@code false}. A task has a lease token only while it runs: every way out of running clears it. A task is found by
 * id through its job ({@link TaskIds#jobIdOf}), the tasks table's key; only a claim, which has just locked its
 * candidates, finds them where their rows are ({@link Dialect#rowLocator}).
 */
final class JdbcTaskQueue implements TaskQueue {
    private static final Logger log = LoggerFactory.getLogger(JdbcTaskQueue.class);
    private static final String QUEUED = JobState.QUEUED.wireName();
    private static final String RUNNING = JobState.RUNNING.wireName();
    /** The fencing condition every write for a leased task carries: job id, task id, lease token ({@link #held}). */
    private static final String HELD = " WHERE job_id = ? AND id = ? AND lease_token = ? AND state = 'running'";

    private final Sql sql;
    private final JobFinisher finisher;
    private final SecureRandom random = new SecureRandom();

    JdbcTaskQueue(Sql sql, JobFinisher finisher) {
        this.sql = sql;
        this.finisher = finisher;
    }

    /** The arguments of {@link #HELD}, after {@code leading} ones. */
    private static Object[] held(String taskId, String leaseToken, Object... leading) {
        Object[] args = Arrays.copyOf(leading, leading.length + 3);
        args[leading.length] = TaskIds.jobIdOf(taskId);
        args[leading.length + 1] = taskId;
        args[leading.length + 2] = leaseToken;
        return args;
    }

    @Override
    public List<ClaimedTask> claim(
            String workerId, List<String> clouds, List<String> stacks, int max, Duration lease, TenantLimits defaults) {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(defaults, "defaults");
        requirePositive(lease, "lease");
        if (max < 1 || clouds.isEmpty()) {
            return List.of();
        }
        return sql.inTransaction("claiming tasks for worker " + workerId, c -> {
            long now = sql.now(c);
            // why: one tier of equal cloud priority at a time, each cloud's bands from the queue index (tasks_claim:
            // cloud, priority, tenant, fair_tag, seq), so a claim costs the same with a million tasks queued as with
            // a thousand; how tenants take turns within a band is FairShare's and FairClaim's.
            // A single cloud is its own tier: a cloud that does not exist has no tasks, so it needs no lookup.
            List<List<String>> tiers = clouds.size() == 1 ? List.of(clouds) : cloudTiers(c, clouds);
            FairClaim choice = new FairClaim(c, sql.dialect(), now, defaults, max, stacks);
            for (List<String> tier : tiers) {
                if (choice.picks().size() >= max) {
                    break;
                }
                choice.fillFrom(tier.stream().distinct().toList());
            }
            if (choice.picks().isEmpty()) {
                return List.of();
            }
            List<String> candidates = new ArrayList<>();
            Map<String, FairClaim.Pick> picked = new HashMap<>();
            for (FairClaim.Pick p : choice.picks()) {
                candidates.add(p.id());
                picked.put(p.id(), p);
            }
            // One token per claim: a token only has to differ from every other lease of the same task.
            // The candidates are locked by this transaction, so they are still queued, and where their rows were.
            String token = newToken();
            List<Object> args = new ArrayList<>(List.of(RUNNING, token, now + lease.toMillis(), workerId, now, now));
            choice.picks().forEach(p -> args.add(p.row()));
            Map<String, Task> tasks = new HashMap<>();
            // why: a claim writes its tasks' rows only. A job shows running while a task of it runs
            // (JobRows.SHOWN_STATE), and leaving its row alone spares each job a row lock and an update (about 150 B
            // of WAL); a job's input never changes, so the claim reads it unlocked, with its tasks' rows.
            Map<String, String> inputs = new HashMap<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "UPDATE tasks SET state = ?, attempt = attempt + 1, lease_token = ?, "
                                    + "lease_until = ?, worker_id = ?, started_at = COALESCE(started_at, ?), updated_at = ? WHERE "
                                    // why: found where the candidates' rows are, not searched for again by key
                                    + sql.dialect().atLocators(candidates.size()) + " RETURNING "
                                    + JobRows.TASK_COLUMNS
                                    // (job_id: the task's; jobs has no such column)
                                    + ", (SELECT j.input FROM jobs j WHERE j.id = job_id) AS job_input",
                            args.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Task t = JobRows.task(c, rs);
                    tasks.put(t.id(), t);
                    inputs.put(t.jobId(), rs.getString("job_input"));
                }
            }
            List<ClaimedTask> claimed = new ArrayList<>();
            List<Object[]> events = new ArrayList<>();
            for (String id : candidates) {
                Task task = tasks.get(id);
                if (task != null) {
                    FairClaim.Pick p = picked.get(id);
                    claimed.add(new ClaimedTask(task, token, inputs.get(task.jobId()), p.tenant(), p.limits()));
                    if (p.restarted()) {
                        // a first start is told by the task's row (RoutineEvents); a later one only by this event
                        Attempt attempt = new Attempt(id, task.jobId(), task.attempt(), task.maxAttempts(), workerId);
                        events.add(event(task.jobId(), id, Timeline.started(attempt.describe()), now));
                    }
                }
            }
            finisher.addEvents(c, events);
            return claimed;
        });
    }

    /** The named clouds that exist, grouped by priority, highest first. */
    private static List<List<String>> cloudTiers(Connection c, List<String> clouds) throws SQLException {
        List<String> names = clouds.stream().distinct().toList();
        TreeMap<Integer, List<String>> tiers = new TreeMap<>(Comparator.reverseOrder());
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT name, priority FROM clouds WHERE name IN (" + placeholders(names.size()) + ")",
                        names.toArray());
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tiers.computeIfAbsent(rs.getInt(2), k -> new ArrayList<>()).add(rs.getString(1));
            }
        }
        return new ArrayList<>(tiers.values());
    }

    @Override
    public boolean recordStack(String taskId, String leaseToken, Stack stack) {
        Objects.requireNonNull(stack, "stack");
        return sql.inTransaction("recording the stack of task " + taskId, c -> {
            long now = sql.now(c);
            if (update(
                            c,
                            "UPDATE tasks SET tools = ?, updated_at = ?" + HELD,
                            held(taskId, leaseToken, JsonColumns.tools(stack.versions()), now))
                    == 0) {
                return false;
            }
            finisher.addEvent(c, TaskIds.jobIdOf(taskId), taskId, Timeline.stack(stack), now);
            return true;
        });
    }

    @Override
    public boolean heartbeat(String taskId, String leaseToken, Duration lease, Double progress) {
        requirePositive(lease, "lease");
        return sql.inTransaction("heartbeat of task " + taskId, c -> {
            long now = sql.now(c);
            if (progress == null || progress.isNaN()) {
                return update(
                                c,
                                "UPDATE tasks SET lease_until = ?, updated_at = ?" + HELD,
                                held(taskId, leaseToken, now + lease.toMillis(), now))
                        > 0;
            }
            double p = Math.max(0, Math.min(100, progress));
            return update(
                            c,
                            "UPDATE tasks SET lease_until = ?, progress = ?, updated_at = ?" + HELD,
                            held(taskId, leaseToken, now + lease.toMillis(), p, now))
                    > 0;
        });
    }

    @Override
    public List<Boolean> completeAll(List<Completion> completions) {
        if (completions.isEmpty()) {
            return List.of();
        }
        String what = completions.size() == 1
                ? "completing task " + completions.get(0).taskId()
                : "completing " + completions.size() + " tasks";
        return sql.inTransaction(what, c -> {
            long now = sql.now(c);
            // Completions with the same files, CPU time and lease token (a null encoder's batch) share one statement.
            Map<List<Object>, List<Completion>> alike = new LinkedHashMap<>();
            for (Completion d : completions) {
                alike.computeIfAbsent(
                                List.of(JsonColumns.files(d.files()), d.cpuSeconds(), d.leaseToken()),
                                k -> new ArrayList<>())
                        .add(d);
            }
            Map<String, String> jobOf = new HashMap<>();
            // the jobs whose only task this is: its success is theirs, without counting their tasks
            Set<String> alone = new HashSet<>();
            List<Object[]> finishedParts = new ArrayList<>();
            for (Map.Entry<List<Object>, List<Completion>> group : alike.entrySet()) {
                List<Object> args = new ArrayList<>(List.of(
                        JobState.SUCCEEDED.wireName(),
                        group.getKey().get(0),
                        group.getKey().get(1),
                        now,
                        now,
                        group.getKey().get(2)));
                List<String> jobIds = group.getValue().stream()
                        .map(d -> TaskIds.jobIdOf(d.taskId()))
                        .distinct()
                        .toList();
                args.addAll(jobIds);
                args.addAll(group.getValue().stream().map(Completion::taskId).toList());
                // why: the rows are found by key alone; a state condition would let the planner, with statistics
                // from a quieter moment, walk the running-task index instead. A lease token is set only while its
                // task runs (every way out of running clears it), so the token alone fences.
                try (PreparedStatement ps = prepare(
                                c,
                                "UPDATE tasks SET state = ?, progress = 100, files = ?, "
                                        + "cpu_seconds = cpu_seconds + ?, error_code = NULL, error_message = NULL, log_tail = NULL, "
                                        + "lease_token = NULL, lease_until = NULL, finished_at = ?, updated_at = ? "
                                        + "WHERE lease_token = ? AND " + in("job_id", jobIds.size()) + " AND "
                                        + in("id", group.getValue().size())
                                        + " RETURNING id, job_id, name, part, job_tasks",
                                args.toArray());
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobOf.put(rs.getString(1), rs.getString(2));
                        if (rs.getObject(4) != null) {
                            finishedParts.add(new Object[] {now, rs.getString(2), rs.getString(3)});
                        }
                        if (rs.getInt(5) == 1) {
                            alone.add(rs.getString(2));
                        }
                    }
                }
            }
            // a finished rendition brings its output's packaging task one step closer to runnable
            batch(
                    c,
                    "UPDATE tasks SET waiting_on = waiting_on - 1, updated_at = ? WHERE job_id = ? AND name = ? "
                            + "AND part IS NULL AND waiting_on > 0",
                    finishedParts);
            // a task's success is told by its row (RoutineEvents)
            finisher.finishIfDone(c, jobOf.values(), alone, now);
            return completions.stream().map(d -> jobOf.containsKey(d.taskId())).toList();
        });
    }

    @Override
    public boolean fail(String taskId, String leaseToken, TaskFailure failure) {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(failure.code(), "failure.code");
        return sql.inTransaction("failing task " + taskId, c -> {
            Attempt a = heldAttempt(c, taskId, leaseToken);
            if (a == null) {
                return false;
            }
            long now = sql.now(c);
            String code = failure.code().code();
            if (a.requeuesAfter(failure)) {
                finisher.keepFirstStart(c, a.jobId(), taskId);
                Duration delay = failure.delay();
                int n = update(
                        c,
                        "UPDATE tasks SET state = ?, run_after = ?, progress = 0, lease_token = NULL, "
                                + "lease_until = NULL, worker_id = NULL, error_code = ?, error_message = ?, log_tail = ?, "
                                + "cpu_seconds = cpu_seconds + ?, updated_at = ?" + HELD,
                        held(
                                taskId,
                                leaseToken,
                                QUEUED,
                                now + delay.toMillis(),
                                code,
                                failure.message(),
                                failure.logTail(),
                                failure.cpuSeconds(),
                                now));
                if (n > 0) {
                    finisher.markStarted(c, List.of(a.jobId()), now);
                    finisher.addEvent(
                            c,
                            a.jobId(),
                            taskId,
                            Timeline.retrying(failure.reason(), a.attempt(), a.maxAttempts(), delay),
                            now);
                }
                return n > 0;
            }
            int n = update(
                    c,
                    "UPDATE tasks SET state = ?, lease_token = NULL, lease_until = NULL, error_code = ?, "
                            + "error_message = ?, log_tail = ?, cpu_seconds = cpu_seconds + ?, finished_at = ?, "
                            + "updated_at = ?" + HELD,
                    held(
                            taskId,
                            leaseToken,
                            JobState.FAILED.wireName(),
                            code,
                            failure.message(),
                            failure.logTail(),
                            failure.cpuSeconds(),
                            now,
                            now));
            if (n == 0) {
                return false;
            }
            finisher.addEvent(
                    c, a.jobId(), taskId, Timeline.failed(failure.reason(), a.attempt(), a.maxAttempts()), now);
            finisher.failPackagingOf(c, taskId, failure.reason(), now);
            finisher.finishIfDone(c, List.of(a.jobId()), now);
            return true;
        });
    }

    @Override
    public boolean release(String taskId, String leaseToken) {
        return sql.inTransaction("releasing task " + taskId, c -> {
            Attempt a = heldAttempt(c, taskId, leaseToken);
            if (a == null) {
                return false;
            }
            long now = sql.now(c);
            finisher.keepFirstStart(c, a.jobId(), taskId);
            int n = update(
                    c,
                    "UPDATE tasks SET state = ?, attempt = attempt - 1, run_after = ?, progress = 0, "
                            + "lease_token = NULL, lease_until = NULL, worker_id = NULL, updated_at = ?" + HELD,
                    held(taskId, leaseToken, QUEUED, now, now));
            if (n > 0) {
                finisher.markStarted(c, List.of(a.jobId()), now);
                finisher.addEvent(c, a.jobId(), taskId, Timeline.released(), now);
            }
            return n > 0;
        });
    }

    @Override
    public int reapExpiredLeases(Duration backoff) {
        return sql.inTransaction("reaping expired leases", c -> {
            long now = sql.now(c);
            List<Attempt> expired = new ArrayList<>();
            try (PreparedStatement ps = prepare(
                            c,
                            "SELECT id, job_id, attempt, max_attempts, worker_id FROM tasks "
                                    + "WHERE state = 'running' AND lease_until < ? ORDER BY job_id, id"
                                    + sql.dialect().skipLocked(),
                            now);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expired.add(attempt(rs));
                }
            }
            int reaped = 0;
            String stillExpired = " WHERE job_id = ? AND id = ? AND state = 'running' AND lease_until < ?";
            for (Attempt a : expired) {
                if (a.hasAttemptsLeft()) {
                    finisher.keepFirstStart(c, a.jobId(), a.taskId());
                    Duration delay = a.backoffAfterExpiry(backoff);
                    int n = update(
                            c,
                            "UPDATE tasks SET state = ?, run_after = ?, progress = 0, lease_token = NULL, "
                                    + "lease_until = NULL, worker_id = NULL, updated_at = ?" + stillExpired,
                            QUEUED,
                            now + delay.toMillis(),
                            now,
                            a.jobId(),
                            a.taskId(),
                            now);
                    if (n > 0) {
                        reaped++;
                        finisher.markStarted(c, List.of(a.jobId()), now);
                        finisher.addEvent(c, a.jobId(), a.taskId(), Timeline.leaseExpired(a.describe(), delay), now);
                    }
                    continue;
                }
                TaskFailure failure = TaskFailure.leaseExpired(a);
                int n = update(
                        c,
                        "UPDATE tasks SET state = ?, lease_token = NULL, lease_until = NULL, "
                                + "error_code = ?, error_message = ?, finished_at = ?, updated_at = ?" + stillExpired,
                        JobState.FAILED.wireName(),
                        failure.code().code(),
                        failure.message(),
                        now,
                        now,
                        a.jobId(),
                        a.taskId(),
                        now);
                if (n > 0) {
                    reaped++;
                    finisher.addEvent(c, a.jobId(), a.taskId(), Timeline.leaseLost(a.describe()), now);
                    finisher.failPackagingOf(c, a.taskId(), ErrorCode.LEASE_EXPIRED.code(), now);
                    finisher.finishIfDone(c, List.of(a.jobId()), now);
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
        return sql.read("finding the next runnable task", c -> {
            try (PreparedStatement ps = prepare(c, "SELECT MIN(run_after) FROM tasks WHERE state = 'queued'");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(Sql.instant(rs, 1)) : Optional.empty();
            }
        });
    }

    /** The attempt a token holds, or null when the token no longer holds a running lease. */
    private static Attempt heldAttempt(Connection c, String taskId, String leaseToken) throws SQLException {
        try (PreparedStatement ps = prepare(
                        c,
                        "SELECT id, job_id, attempt, max_attempts, worker_id FROM tasks" + HELD,
                        held(taskId, leaseToken));
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? attempt(rs) : null;
        }
    }

    private static Attempt attempt(ResultSet rs) throws SQLException {
        return new Attempt(
                rs.getString("id"),
                rs.getString("job_id"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                rs.getString("worker_id"));
    }

    private String newToken() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }
}
