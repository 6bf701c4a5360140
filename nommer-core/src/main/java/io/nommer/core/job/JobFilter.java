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
 * @param idempotencyKey only the job holding this key as stored (the tenant's prefix included), or null
 */
public record JobFilter(
        Set<JobState> states,
        Instant createdFrom,
        Instant createdTo,
        String cursor,
        int limit,
        String tenant,
        String idempotencyKey) {
    public JobFilter {
        states = states == null ? Set.of() : Set.copyOf(states);
    }

    /** Jobs whatever their idempotency key. */
    public JobFilter(
            Set<JobState> states, Instant createdFrom, Instant createdTo, String cursor, int limit, String tenant) {
        this(states, createdFrom, createdTo, cursor, limit, tenant, null);
    }

    /** Every tenant's jobs. */
    public JobFilter(Set<JobState> states, Instant createdFrom, Instant createdTo, String cursor, int limit) {
        this(states, createdFrom, createdTo, cursor, limit, null);
    }
}
