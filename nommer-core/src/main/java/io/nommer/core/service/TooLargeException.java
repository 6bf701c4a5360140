package io.nommer.core.service;

/** The request's body is larger than the service takes (HTTP 413). */
public final class TooLargeException extends ServiceException {
    public TooLargeException(String code, String message) {
        super(code, null, message);
    }
}
