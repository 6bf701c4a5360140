package io.nommer.core.job;

/**
 * The stored job, and whether this call created it ({@code false}: an earlier call with the same idempotency key did).
 *
 * @param ownerToken the job's owner token, only in the answer that created the job (the store keeps its hash only);
 *     else null
 */
public record CreateResult(Job job, boolean created, String ownerToken) {
    public CreateResult(Job job, boolean created) {
        this(job, created, null);
    }

    public CreateResult withOwnerToken(String token) {
        return new CreateResult(job, created, created ? token : null);
    }
}
