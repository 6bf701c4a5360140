package io.nommer.core.queue;

import io.nommer.core.job.Timeline;
import java.time.Duration;

/**
 * One attempt at a task, as the queue holds it while it runs: which of how many, on which worker. Decides what happens
 * when it ends other than in success.
 */
public record Attempt(String taskId, String jobId, int attempt, int maxAttempts, String workerId) {

    public boolean hasAttemptsLeft() {
        return attempt < maxAttempts;
    }

    /** Whether {@code failure} puts the task back in the queue (retryable, with attempts left) or ends it. */
    public boolean requeuesAfter(TaskFailure failure) {
        return failure.code().retryable() && hasAttemptsLeft();
    }

    /** After a lost lease, the task runs again after {@code backoff} times the attempts made (never negative). */
    public Duration backoffAfterExpiry(Duration backoff) {
        return backoff == null || backoff.isNegative() ? Duration.ZERO : backoff.multipliedBy(attempt);
    }

    /** {@code attempt 2 of 3 on worker w-1}, for the timeline. */
    public String describe() {
        return Timeline.attempt(attempt, maxAttempts, workerId);
    }
}
