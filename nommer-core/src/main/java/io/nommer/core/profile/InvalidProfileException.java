package io.nommer.core.profile;

import java.util.List;
import java.util.stream.Collectors;

/** A profile or override that cannot be used; carries every violation found, not only the first. */
public final class InvalidProfileException extends IllegalArgumentException {
    private final transient List<ProfileViolation> violations;

    public InvalidProfileException(List<ProfileViolation> violations) {
        super(violations.stream().map(ProfileViolation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public InvalidProfileException(String field, String message) {
        this(List.of(new ProfileViolation(field, message)));
    }

    public List<ProfileViolation> violations() {
        return violations;
    }
}
