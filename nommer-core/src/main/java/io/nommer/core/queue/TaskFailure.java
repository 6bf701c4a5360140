package io.nommer.core.queue;

import io.nommer.core.failure.ErrorCode;
import java.time.Duration;

/**
 * Why an attempt failed. When {@code code} is {@linkplain ErrorCode#retryable() retryable} and attempts remain, the
 * task is queued again after {@code retryAfter}; otherwise it fails for good.
 */
public record TaskFailure(ErrorCode code, String message, String logTail, double cpuSeconds, Duration retryAfter) {

    /** A failure the queue itself decides: no log, no CPU time, no retry. */
    public static TaskFailure of(ErrorCode code, String message) {
        return new TaskFailure(code, message, null, 0, Duration.ZERO);
    }

    /** The last attempt's lease expired: the task fails for good. */
    public static TaskFailure leaseExpired(Attempt attempt) {
        return of(ErrorCode.LEASE_EXPIRED, "lease of " + attempt.describe() + " expired; no attempts left");
    }

    /**
     * Rendition {@code part} of a ladder spread over workers failed for good ({@code why}): its output's packaging
     * task has nothing to package and fails too.
     */
    public static TaskFailure renditionFailed(int part, String why) {
        return of(ErrorCode.PART_FAILED, "rendition " + (part + 1) + " failed: " + why);
    }

    /** How long the task waits before it runs again, when it does: never negative. */
    public Duration delay() {
        return retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    }

    /** {@code code: message}, or the code alone. */
    public String reason() {
        return code.code() + (message == null ? "" : ": " + message);
    }
}
