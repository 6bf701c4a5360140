package io.nommer.server.http;

/**
 * An API error rendered as {@code application/problem+json}: HTTP status, stable machine {@code code}, a human
 * {@code detail}, and the offending {@code field} (JSON path) when there is one.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    public ApiException(int status, String code, String detail, String field) {
        super(detail);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(422, "invalid_request", detail, field);
    }
}
