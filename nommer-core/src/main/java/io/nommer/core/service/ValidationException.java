package io.nommer.core.service;

/** A request whose content cannot be accepted (HTTP 422). */
public final class ValidationException extends ServiceException {
    public ValidationException(String code, String field, String message) {
        super(code, field, message);
    }
}
