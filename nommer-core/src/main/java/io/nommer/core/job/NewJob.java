package io.nommer.core.job;

import io.nommer.core.auth.Principal;
import io.nommer.core.profile.Priority;
import java.util.List;
import java.util.Map;

/**
 * A validated job ready to be stored, with its id already chosen.
 *
 * @param idempotencyKey from the request's {@code Idempotency-Key} header, or null
 * @param cloud the cloud whose workers may run the job's tasks
 * @param plan how the job will be run where that was a choice (a ladder in one task or spread over workers), for
 *     the timeline
 * @param ownerTokenHash the hash of the token that proves ownership of the job (OwnerTokens), or null
 * @param tenant the tenant the job belongs to ({@link Principal#DEFAULT_TENANT} when authentication is off)
 * @param requestHash identifies the request the job came from, compared when its idempotency key is used again (see
 *     {@link IdempotencyKeyReusedException}); null: never compared
 */
public record NewJob(
        String id,
        String input,
        List<OutputSpec> outputs,
        Priority priority,
        Map<String, Object> metadata,
        String notifyUrl,
        String idempotencyKey,
        int maxAttempts,
        String cloud,
        List<String> plan,
        String ownerTokenHash,
        String tenant,
        String requestHash) {
    public NewJob {
        tenant = tenant == null ? Principal.DEFAULT_TENANT : tenant;
        plan = plan == null ? List.of() : List.copyOf(plan);
        cloud = cloud == null ? io.nommer.core.fleet.Cloud.DEFAULT : cloud;
        outputs = List.copyOf(outputs);
        // why: in the order the client sent it; Map.copyOf's order changes from one JVM to the next
        metadata = metadata == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    public NewJob(
            String id,
            String input,
            List<OutputSpec> outputs,
            Priority priority,
            Map<String, Object> metadata,
            String notifyUrl,
            String idempotencyKey,
            int maxAttempts,
            String cloud) {
        this(
                id,
                input,
                outputs,
                priority,
                metadata,
                notifyUrl,
                idempotencyKey,
                maxAttempts,
                cloud,
                List.of(),
                null,
                Principal.DEFAULT_TENANT,
                null);
    }

    /** This job, for a request identified by {@code hash} (see {@link #requestHash()}). */
    public NewJob withRequestHash(String hash) {
        return new NewJob(
                id,
                input,
                outputs,
                priority,
                metadata,
                notifyUrl,
                idempotencyKey,
                maxAttempts,
                cloud,
                plan,
                ownerTokenHash,
                tenant,
                hash);
    }
}
