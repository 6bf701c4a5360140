package io.nommer.core.retention;

import io.nommer.core.retention.RetentionStore.ExpiredJob;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.storage.UploadStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what outlived its {@link RetentionPolicy}: finished jobs with their tasks, timelines and webhook rows (and,
 * when the policy says so, their output files), and uploads no queued or running job uses.
 *
 * <p>A pass works in batches of {@link #BATCH}, each its own short transaction, and pauses between them as long as
 * the last batch took, so that deleting never holds the store for more than half of the time (on SQLite, whose one
 * writer is also the one claims need). Any number of orchestrators may run passes at once: a batch skips the jobs
 * another is deleting, and deleting what is already gone does nothing.
 *
 * <p>Files go before records: when storage fails, the pass ends with the records kept, and the next pass tries again,
 * so no file is left behind with nothing pointing at it.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    /** Jobs (or uploads) per transaction. */
    public static final int BATCH = 500;

    /** What a pass deleted. */
    public record Deleted(int jobs, int files, int uploads) {
        public boolean any() {
            return jobs > 0 || files > 0 || uploads > 0;
        }
    }

    private final RetentionStore store;
    private final OutputPublisher outputs;
    private final UploadStore uploads;
    private final RetentionPolicy policy;
    private final int batch;

    public Retention(RetentionStore store, OutputPublisher outputs, UploadStore uploads, RetentionPolicy policy) {
        this(store, outputs, uploads, policy, BATCH);
    }

    /** @param batch jobs (or uploads) per transaction; tests make it small to see several batches */
    public Retention(
            RetentionStore store, OutputPublisher outputs, UploadStore uploads, RetentionPolicy policy, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, not " + batch);
        }
        this.store = store;
        this.outputs = outputs;
        this.uploads = uploads;
        this.policy = policy;
        this.batch = batch;
    }

    public RetentionPolicy policy() {
        return policy;
    }

    /**
     * One pass: batch after batch until nothing expired is left, storage fails, or the thread is interrupted. Logs what
     * it deleted at INFO.
     */
    public Deleted run() {
        int[] jobs = policy.deletesJobs() ? deleteJobs() : new int[2];
        int uploadCount = policy.deletesUploads() && !Thread.currentThread().isInterrupted() ? deleteUploads() : 0;
        Deleted deleted = new Deleted(jobs[0], jobs[1], uploadCount);
        if (deleted.any()) {
            log.info(
                    "retention deleted {} finished job(s) older than {}{} and {} upload(s) older than {}",
                    deleted.jobs(),
                    RetentionPolicy.describe(policy.jobs()),
                    policy.deleteOutputsWithJob() ? " with " + deleted.files() + " output file(s)" : "",
                    deleted.uploads(),
                    RetentionPolicy.describe(policy.uploads()));
        } else {
            log.debug("retention found nothing to delete");
        }
        return deleted;
    }

    /** @return jobs deleted, files deleted */
    private int[] deleteJobs() {
        int jobs = 0;
        int files = 0;
        Instant from = null;
        while (true) {
            long t0 = System.nanoTime();
            List<ExpiredJob> expired = store.expiredJobs(policy.jobs(), from, batch, policy.deleteOutputsWithJob());
            if (expired.isEmpty()) {
                break;
            }
            from = expired.getLast().finishedAt();
            List<String> ids = new ArrayList<>();
            boolean storageFailed = false;
            for (ExpiredJob job : expired) {
                try {
                    files += deleteOutputs(outputs, job.id(), job.files());
                } catch (RuntimeException e) {
                    log.warn(
                            "retention cannot delete the output files of job {} now, and keeps it until the next "
                                    + "pass: {}",
                            job.id(),
                            e.toString());
                    storageFailed = true;
                    break;
                }
                ids.add(job.id());
            }
            Set<String> deleted = ids.isEmpty() ? Set.of() : store.deleteJobs(ids, policy.jobs());
            jobs += deleted.size();
            if (storageFailed || deleted.isEmpty() || expired.size() < batch || !pause(t0)) {
                break;
            }
        }
        return new int[] {jobs, files};
    }

    private int deleteUploads() {
        int deleted = 0;
        String after = null;
        while (true) {
            long t0 = System.nanoTime();
            List<String> expired = store.expiredUploads(policy.uploads(), after, batch);
            if (expired.isEmpty()) {
                break;
            }
            after = expired.getLast();
            Map<String, List<URI>> named = new LinkedHashMap<>();
            for (String id : expired) {
                named.put(id, uploads.uris(id));
            }
            Set<String> used = store.inUse(named.values().stream()
                    .flatMap(List::stream)
                    .map(URI::toString)
                    .toList());
            for (Map.Entry<String, List<URI>> e : named.entrySet()) {
                if (e.getValue().stream().map(URI::toString).anyMatch(used::contains)) {
                    continue;
                }
                try {
                    // why: the object before its record, which says whose it is: an object left without one would
                    // read as the default tenant's
                    uploads.deleteUpload(e.getKey());
                } catch (RuntimeException ex) {
                    log.warn(
                            "retention cannot delete upload {} now, and keeps it until the next pass: {}",
                            e.getKey(),
                            ex.toString());
                    return deleted;
                }
                if (store.deleteUpload(e.getKey())) {
                    deleted++;
                }
            }
            if (expired.size() < batch || !pause(t0)) {
                break;
            }
        }
        return deleted;
    }

    /**
     * Deletes a job's output files. A file this service can no longer delete (outside its storage since a change of
     * settings, such as {@code output_roots}) is left where it is, with a warning.
     *
     * @return how many files were deleted (or already gone)
     * @throws RuntimeException when storage fails: the caller keeps the job, to try again
     */
    public static int deleteOutputs(OutputPublisher outputs, String jobId, List<URI> files) {
        int deleted = 0;
        List<String> left = new ArrayList<>();
        for (URI file : files) {
            try {
                outputs.delete(file);
                deleted++;
            } catch (IllegalArgumentException e) {
                left.add(file + " (" + e.getMessage() + ")");
            }
        }
        if (!left.isEmpty()) {
            log.warn(
                    "job {}: left {} output file(s) that are not in this service's storage any more: {}",
                    jobId,
                    left.size(),
                    left.size() > 3 ? left.subList(0, 3) + " ..." : left);
        }
        return deleted;
    }

    /** Waits as long as the batch that began at {@code t0} took; false when interrupted (the pass should end). */
    private static boolean pause(long t0) {
        long took = System.nanoTime() - t0;
        try {
            Thread.sleep(Duration.ofNanos(Math.max(took, Duration.ofMillis(10).toNanos())));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
