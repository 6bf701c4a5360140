package io.nommer.core.job;

import io.nommer.core.media.MediaInfo;
import java.util.List;
import java.util.Optional;

/**
 * Jobs, with their tasks and timelines. {@code JobStoreContract} in the store module's tests states the behaviour
 * every engine must have; the queue side of the tasks is {@link io.nommer.core.queue.TaskQueue}.
 *
 * <p>A job is created with one queued task per output (and, for a ladder spread over workers, one per rendition, see
 * {@link TaskIds}) and a {@code job.created} event, in one transaction. Jobs become {@code running} when their first
 * task is claimed, and terminal as {@link JobOutcome} decides once no task is queued or running.
 */
public interface JobStore {

    /**
     * Stores a job and its tasks and events, in one transaction. With an idempotency key that an earlier job already
     * has, stores nothing and returns that job, when both came from the same request (equal
     * {@link NewJob#requestHash()}, or either is null).
     *
     * @throws IdempotencyKeyReusedException when the key's job came from a different request
     */
    default CreateResult create(NewJob job) {
        return createAll(List.of(job)).get(0);
    }

    /**
     * Stores several jobs in one transaction, as {@link #create} would one by one, and answers in the same order.
     * Either every job is stored (or found by its idempotency key) or none is.
     *
     * @throws IllegalArgumentException for a job without outputs or with fewer than one attempt
     * @throws IdempotencyKeyReusedException when a job's key is held by a job (stored, or earlier in {@code jobs}) that
     *     came from a different request
     * @throws DestinationTakenException when an output names a destination folder and an output name that a queued,
     *     running or succeeded output of another job (or of an earlier job in {@code jobs}) already does
     */
    List<CreateResult> createAll(List<NewJob> jobs);

    Optional<Job> find(String jobId);

    /**
     * Newest first; ties broken by id so that cursors are stable.
     *
     * @throws IllegalArgumentException for a cursor this store did not hand out
     */
    Page<Job> list(JobFilter filter);

    /** The job's timeline, oldest first. */
    List<JobEvent> events(String jobId);

    /** Appends a timeline event (see {@link Timeline}); {@code taskId} is null for a job's own events. */
    void addEvent(String jobId, String taskId, Timeline.Entry entry);

    /** Keeps the first probe of the job's input; later calls do nothing. */
    void recordInputInfo(String jobId, MediaInfo info);

    /**
     * Cancels every unfinished task and the job (running tasks' leases become invalid, so their workers stop).
     *
     * @return the job after the change, or empty when there is no such job
     * @throws IllegalStateException when the job is already terminal
     */
    Optional<Job> cancel(String jobId);

    /**
     * Queues the failed and cancelled tasks of a failed or cancelled job again, each with a fresh allowance of
     * attempts; succeeded tasks keep their outputs.
     *
     * @return the job after the change, or empty when there is no such job
     * @throws IllegalStateException when the job is not failed or cancelled
     * @throws DestinationTakenException when another job's output has taken the destination and name of an output to
     *     be retried since it failed
     */
    Optional<Job> retry(String jobId);
}
