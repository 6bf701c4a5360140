package io.nommer.core.store;

import io.nommer.core.encode.ErrorCode;
import java.time.Duration;

/**
 * Why an attempt failed. When {@code code} is {@linkplain ErrorCode#retryable() retryable} and attempts remain, the
 * task is queued again after {@code retryAfter}; otherwise it fails for good.
 */
public record TaskFailure(ErrorCode code, String message, String logTail, double cpuSeconds, Duration retryAfter) {}
