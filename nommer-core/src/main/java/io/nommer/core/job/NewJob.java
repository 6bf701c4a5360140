package io.nommer.core.job;

import io.nommer.core.profile.Priority;
import java.util.List;
import java.util.Map;

/**
 * A validated job ready to be stored, with its id already chosen.
 *
 * @param idempotencyKey from the request's {@code Idempotency-Key} header, or null
 * @param cloud the cloud whose workers may run the job's tasks
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
        String cloud) {
    public NewJob {
        cloud = cloud == null ? io.nommer.core.store.Cloud.DEFAULT : cloud;
        outputs = List.copyOf(outputs);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
