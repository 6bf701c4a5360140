package io.nommer.core.job;

import java.time.Instant;
import java.util.Set;

/**
 * What {@code GET /v1/jobs} asks for. Results are newest first.
 *
 * @param states empty for all
 * @param createdFrom inclusive, or null
 * @param createdTo exclusive, or null
 * @param cursor the opaque {@link Page#nextCursor()} of the previous page, or null for the first
 */
public record JobFilter(Set<JobState> states, Instant createdFrom, Instant createdTo, String cursor, int limit) {
    public JobFilter {
        states = states == null ? Set.of() : Set.copyOf(states);
    }
}
