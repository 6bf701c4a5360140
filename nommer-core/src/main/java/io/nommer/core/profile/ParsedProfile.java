package io.nommer.core.profile;

import java.util.List;

/**
 * Profile fields as a user wrote them, read but not yet accepted: the fields that were fine, and every problem with
 * the others. The service decides when to refuse ({@link #orThrow}), so that a request's other mistakes are reported
 * in the order they always were.
 */
public record ParsedProfile(Profile profile, List<ProfileViolation> violations) {
    public ParsedProfile {
        violations = List.copyOf(violations);
    }

    /**
     * The profile, when every field was acceptable.
     *
     * @throws InvalidProfileException naming every bad field, in the order they were written
     */
    public Profile orThrow() {
        if (!violations.isEmpty()) {
            throw new InvalidProfileException(violations);
        }
        return profile;
    }
}
