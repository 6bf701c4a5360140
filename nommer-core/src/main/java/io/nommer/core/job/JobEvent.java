package io.nommer.core.job;

import java.time.Instant;

/**
 * One entry of a job's timeline.
 *
 * @param type e.g. {@code job.created}, {@code task.started}, {@code task.succeeded}, {@code job.cancelled}
 * @param taskId the output's task, or null for job-level events
 */
public record JobEvent(long id, String jobId, Instant at, String type, String taskId, String message) {}
