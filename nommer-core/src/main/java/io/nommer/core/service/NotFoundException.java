package io.nommer.core.service;

/** What the request names does not exist (HTTP 404, code {@code not_found}). */
public final class NotFoundException extends ServiceException {
    /** @param what e.g. {@code job job_123}; the message is "{@code <what> not found}" */
    public NotFoundException(String what) {
        super("not_found", null, what + " not found");
    }
}
