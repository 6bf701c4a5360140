package io.nommer.core.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * How long finished jobs and uploads are kept before {@link Retention} deletes them. A zero duration keeps them
 * forever.
 *
 * @param jobs how long after it finished a job is kept with its tasks and timeline (setting {@code job_retention})
 * @param uploads how long after it was stored an upload is kept, while no queued or running job uses it (setting
 *     {@code upload_retention})
 * @param deleteOutputsWithJob whether a job's output files go with it (setting {@code delete_outputs_with_job})
 */
public record RetentionPolicy(Duration jobs, Duration uploads, boolean deleteOutputsWithJob) {
    public static final Duration DEFAULT_JOBS = Duration.ofDays(30);
    public static final Duration DEFAULT_UPLOADS = Duration.ofDays(7);
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(DEFAULT_JOBS, DEFAULT_UPLOADS, false);
    /** Keeps everything. */
    public static final RetentionPolicy OFF = new RetentionPolicy(Duration.ZERO, Duration.ZERO, false);

    public RetentionPolicy {
        Objects.requireNonNull(jobs, "job_retention");
        Objects.requireNonNull(uploads, "upload_retention");
        if (jobs.isNegative()) {
            throw new IllegalArgumentException("job_retention cannot be negative, not " + jobs);
        }
        if (uploads.isNegative()) {
            throw new IllegalArgumentException("upload_retention cannot be negative, not " + uploads);
        }
        if (jobs.isZero() && deleteOutputsWithJob) {
            throw new IllegalArgumentException(
                    "delete_outputs_with_job needs job_retention: with job_retention off no job is deleted");
        }
    }

    public boolean deletesJobs() {
        return !jobs.isZero();
    }

    public boolean deletesUploads() {
        return !uploads.isZero();
    }

    /**
     * How often to look for what expired: a tenth of the shorter retention, between a second and a minute, so that
     * nothing outlives its retention by more than a tenth of it (or a minute).
     */
    public Duration interval() {
        Duration shortest =
                !deletesJobs() ? uploads : !deletesUploads() || jobs.compareTo(uploads) < 0 ? jobs : uploads;
        Duration tenth = shortest.dividedBy(10);
        if (tenth.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
    }

    /** As the settings are written: {@code job_retention=30d, upload_retention=7d, delete_outputs_with_job=false}. */
    @Override
    public String toString() {
        return "job_retention=" + describe(jobs) + ", upload_retention=" + describe(uploads)
                + ", delete_outputs_with_job=" + deleteOutputsWithJob;
    }

    /** {@code off}, or the largest whole unit: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}. */
    public static String describe(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "off";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
