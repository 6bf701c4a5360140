package io.nommer.core.profile;

/** One reason a profile (or a field of one) is unacceptable. {@code field} is the wire name, e.g. {@code width}. */
public record ProfileViolation(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
