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
 * @param tenant only this tenant's jobs, or null for every tenant's
 */
public record JobFilter(
        Set<JobState> states, Instant createdFrom, Instant createdTo, String cursor, int limit, String tenant) {
    public JobFilter {
        states = states == null ? Set.of() : Set.copyOf(states);
    }

    /** Every tenant's jobs. */
    public JobFilter(Set<JobState> states, Instant createdFrom, Instant createdTo, String cursor, int limit) {
        this(states, createdFrom, createdTo, cursor, limit, null);
    }
}
