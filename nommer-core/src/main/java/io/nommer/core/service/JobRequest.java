package io.nommer.core.service;

import io.nommer.core.profile.ParsedProfile;
import java.util.List;
import java.util.Map;

/**
 * A job as a client asked for it, before validation. Field names follow the JSON API.
 *
 * @param priority {@code high|normal|low} or null
 * @param cloud the cloud whose workers run the job, or null for the default cloud
 * @param requestHash identifies the request's content, compared when its idempotency key is used again (the API:
 *     SHA-256 of the job object's canonical JSON); null: never compared
 */
public record JobRequest(
        String input,
        List<OutputRequest> outputs,
        String priority,
        Map<String, Object> metadata,
        String notifyUrl,
        String idempotencyKey,
        String cloud,
        String requestHash) {

    /**
     * @param overrides profile fields laid over the preset, as the client wrote them (refused, if bad, only once the
     *     request's earlier fields passed)
     */
    public record OutputRequest(String name, String preset, String destination, ParsedProfile overrides) {}
}
