package io.nommer.core.service;

/**
 * A request the service refuses, with a stable {@code code} for clients and, where one field is at fault, that field
 * (a JSON path such as {@code outputs[1].width}). The HTTP layer turns each kind into its status in one place.
 */
public abstract sealed class ServiceException extends RuntimeException
        permits ValidationException,
                NotFoundException,
                ConflictException,
                UnauthorizedException,
                ForbiddenException,
                TooLargeException,
                TooManyRequestsException,
                BadRequestException,
                GoneException {
    private final String code;
    private final String field;

    ServiceException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    /** The offending field, or null. */
    public String field() {
        return field;
    }
}
