package io.nommer.core.orchestrator;

/**
 * A request the service refuses, with a stable {@code code} for clients and the offending {@code field} (a JSON path
 * such as {@code outputs[1].width}), or null.
 */
public final class ValidationException extends RuntimeException {
    private final String code;
    private final String field;

    public ValidationException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
