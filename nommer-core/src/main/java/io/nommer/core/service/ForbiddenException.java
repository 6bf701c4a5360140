package io.nommer.core.service;

/** The request's credentials do not allow it (HTTP 403). */
public final class ForbiddenException extends ServiceException {
    public ForbiddenException(String code, String message) {
        super(code, null, message);
    }
}
