package io.nommer.core.service;

/** The request is valid but clashes with the current state (HTTP 409), e.g. cancelling a finished job. */
public final class ConflictException extends ServiceException {
    public ConflictException(String code, String message) {
        super(code, null, message);
    }

    public ConflictException(String code, String field, String message) {
        super(code, field, message);
    }
}
