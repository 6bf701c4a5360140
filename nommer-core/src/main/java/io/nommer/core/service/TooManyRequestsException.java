package io.nommer.core.service;

import java.time.Duration;

/** The caller has used up a quota that frees up with time (HTTP 429, with {@code Retry-After}). */
public final class TooManyRequestsException extends ServiceException {
    private final Duration retryAfter;

    /** @param retryAfter when trying again may succeed */
    public TooManyRequestsException(String code, String message, Duration retryAfter) {
        super(code, null, message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
