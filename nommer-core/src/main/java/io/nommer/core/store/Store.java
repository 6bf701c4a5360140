package io.nommer.core.store;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Page;
import io.nommer.core.job.StoredProfile;
import io.nommer.core.media.MediaInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable state: jobs, their tasks (the queue), timelines, profiles and the webhook outbox. Implementations are
 * engines behind one dialect seam (SQLite, PostgreSQL); {@code StoreContract} in the store module's tests states the
 * behaviour every engine must have.
 *
 * <p>Queue rules (DESIGN.md): a claim is one short transaction that leases tasks with a fresh token and a
 * {@code lease_until} in database time; every later write for a task names that token and does nothing when it no
 * longer matches a running lease. No method holds a transaction open beyond its own call.
 *
 * <p>Jobs become {@code running} when their first task is claimed. The last task's terminal write, the job's terminal
 * state, its {@code job.<state>} timeline event and (with a notify URL) its outbox row commit together.
 */
public interface Store extends AutoCloseable {

    // ---------------------------------------------------------------- jobs

    /**
     * Stores a job and one queued task per output, plus a {@code job.created} event, in one transaction. With an
     * idempotency key that an earlier job already has, stores nothing and returns that job.
     */
    CreateResult createJob(NewJob job);

    /**
     * Stores several jobs in one transaction, as {@link #createJob} would one by one, and answers in the same order.
     * Either every job is stored (or found by its idempotency key) or none is.
     */
    List<CreateResult> createJobs(List<NewJob> jobs);

    Optional<Job> findJob(String jobId);

    /** Newest first; ties broken by id so that cursors are stable. */
    Page<Job> listJobs(JobFilter filter);

    /** The job's timeline, oldest first. */
    List<JobEvent> events(String jobId);

    /** Appends a timeline event. */
    void addEvent(String jobId, String taskId, String type, String message);

    /** Keeps the first probe of the job's input; later calls do nothing. */
    void recordInputInfo(String jobId, MediaInfo info);

    /**
     * Cancels every non-terminal task and the job (running tasks' leases become invalid, so their workers stop).
     *
     * @return the job after the change, or empty when there is no such job
     * @throws IllegalStateException when the job is already terminal
     */
    Optional<Job> cancelJob(String jobId);

    /**
     * Queues the failed and cancelled tasks of a terminal, unsuccessful job again, each with a fresh allowance of
     * attempts; succeeded tasks keep their outputs.
     *
     * @return the job after the change, or empty when there is no such job
     * @throws IllegalStateException when the job is not failed or cancelled
     */
    Optional<Job> retryJob(String jobId);

    // ---------------------------------------------------------------- queue

    /**
     * Leases up to {@code max} runnable queued tasks of the given clouds to {@code workerId} for {@code lease}, each
     * with {@code attempt + 1} and a fresh token: clouds with a higher priority first, then higher task priority, then
     * oldest. Clouds that do not exist contribute nothing.
     */
    List<ClaimedTask> claim(String workerId, List<String> clouds, int max, Duration lease);

    /** {@link #claim(String, List, int, Duration)} from the default cloud. */
    default List<ClaimedTask> claim(String workerId, int max, Duration lease) {
        return claim(workerId, List.of(Cloud.DEFAULT), max, lease);
    }

    /**
     * Extends a lease and records progress (0-100, null to leave unchanged).
     *
     * @return false when the lease is no longer this token's: the caller must stop work on the task
     */
    boolean heartbeat(String taskId, String leaseToken, Duration lease, Double progress);

    /** Marks the task succeeded with its files. Returns false (changing nothing) when the token no longer holds. */
    boolean complete(String taskId, String leaseToken, List<OutputFile> files, double cpuSeconds);

    /**
     * Marks several tasks succeeded in one transaction, each fenced by its own token, and answers in the same order
     * whether each was still held.
     */
    List<Boolean> completeAll(List<Completion> completions);

    /** Records a failed attempt (see {@link TaskFailure}). Returns false when the token no longer holds. */
    boolean fail(String taskId, String leaseToken, TaskFailure failure);

    /**
     * Gives a lease back without counting the attempt (a worker shutting down). Returns false when the token no
     * longer holds.
     */
    boolean release(String taskId, String leaseToken);

    /**
     * Re-queues running tasks whose lease expired (after {@code backoff} times the attempt count), or fails them with
     * {@code lease_expired} when they have no attempts left.
     *
     * @return how many tasks were re-queued or failed
     */
    int reapExpiredLeases(Duration backoff);

    /** The earliest time a queued task becomes runnable, to let idle workers sleep precisely; empty when none. */
    Optional<Instant> nextRunnableAt();

    // ---------------------------------------------------------------- clouds and workers

    /** Creates a cloud or changes its priority. */
    Cloud putCloud(String name, int priority);

    Optional<Cloud> findCloud(String name);

    /** Every cloud, highest priority first, then by name. */
    List<Cloud> listClouds();

    /**
     * Deletes a cloud. Returns false when there was no such cloud.
     *
     * @throws IllegalStateException for the default cloud, or while the cloud has queued or running tasks
     */
    boolean deleteCloud(String name);

    /** Records what a worker reports about itself ({@code startedAt} and {@code lastSeen} are set by the store). */
    void recordWorker(WorkerStatus status);

    /** Forgets a worker that stopped. */
    void removeWorker(String workerId);

    /** Workers seen within {@code seenWithin}, by id; older rows are deleted. */
    List<WorkerStatus> listWorkers(Duration seenWithin);

    // ---------------------------------------------------------------- profiles

    /** Creates or replaces a stored profile. */
    StoredProfile putProfile(String name, String preset, io.nommer.core.profile.Profile fields);

    Optional<StoredProfile> findProfile(String name);

    List<StoredProfile> listProfiles();

    /** Returns false when there was no such profile. */
    boolean deleteProfile(String name);

    // ---------------------------------------------------------------- webhook outbox

    /**
     * Claims outbox rows due now, oldest first, for one relay to deliver: they are not due again for a minute unless
     * marked delivered or failed, so several orchestrators relaying at once do not send the same webhook twice.
     */
    List<WebhookDelivery> dueWebhooks(int max);

    void markWebhookDelivered(long id, int httpStatus);

    /** Records a failed delivery and schedules the next try; after {@code giveUpAfterAttempts} it stops trying. */
    void markWebhookFailed(long id, String error, Duration retryAfter, int giveUpAfterAttempts);

    @Override
    void close();
}
