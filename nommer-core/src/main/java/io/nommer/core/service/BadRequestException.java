package io.nommer.core.service;

/** The request cannot be read as the service needs it (HTTP 400), e.g. an empty upload. */
public final class BadRequestException extends ServiceException {
    public BadRequestException(String code, String message) {
        super(code, null, message);
    }
}
