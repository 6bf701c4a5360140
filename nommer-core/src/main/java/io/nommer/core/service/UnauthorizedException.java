package io.nommer.core.service;

/** The request lacks the credentials it needs (HTTP 401). */
public final class UnauthorizedException extends ServiceException {
    public UnauthorizedException(String code, String message) {
        super(code, null, message);
    }
}
