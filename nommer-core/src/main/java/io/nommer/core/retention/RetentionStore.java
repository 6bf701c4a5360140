package io.nommer.core.retention;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What deleting finished jobs and old uploads needs of the store, for {@link Retention} and for the API's deletes.
 * {@code RetentionContract} in the store module's tests states the behaviour every engine must have.
 *
 * <p>A job is <em>finished</em> when it succeeded, failed or was cancelled; it is <em>expired</em> after {@code age}
 * when it finished longer ago than that and none of its webhooks is still being delivered or ended (delivered or given
 * up) less than {@code age} ago, so that the relay's last timeline entry is written before the job goes. Ages are
 * measured in the store's time, like every other time it keeps.
 */
public interface RetentionStore {

    /**
     * A finished job that may be deleted.
     *
     * @param files the output files its tasks published, when asked for; else empty
     */
    record ExpiredJob(String id, Instant finishedAt, List<URI> files) {
        public ExpiredJob {
            files = List.copyOf(files);
        }
    }

    /**
     * Expired jobs, those that finished first first, at most {@code max}. Reads only: nothing is locked or deleted, so
     * two callers may be handed the same jobs.
     *
     * @param from where the previous page ended (its last job's {@code finishedAt}), so that a pass does not walk again
     *     over what it deleted (until VACUUM, each deleted job leaves an index entry behind); null for the first page
     * @param withFiles whether to read the jobs' output files too
     */
    List<ExpiredJob> expiredJobs(Duration age, Instant from, int max, boolean withFiles);

    /**
     * Deletes, in one transaction, those of {@code jobIds} that are finished (and, when {@code age} is not null, expired
     * after it), each with its tasks, timeline and webhook outbox rows. A job another caller is deleting at the same
     * moment is skipped, not waited for.
     *
     * @param age null to delete any finished job (the API's delete), whatever its age and webhooks
     * @return the ids deleted
     */
    Set<String> deleteJobs(Collection<String> jobIds, Duration age);

    /**
     * Ids of uploads recorded longer than {@code age} ago, in id order (which is about the order they were made in),
     * at most {@code max}.
     *
     * @param after the last id of the previous page, to go on past uploads that are kept; null for the first page
     */
    List<String> expiredUploads(Duration age, String after, int max);

    /**
     * Which of {@code uris} a queued or running job names, as its input or as an output's {@code watermark_url}.
     * Costs a read of the unfinished tasks, so callers ask about many URIs at once and only when they must.
     */
    Set<String> inUse(Collection<String> uris);

    /** Deletes an upload's record (who stored it, when); false when there was none. */
    boolean deleteUpload(String uploadId);
}
