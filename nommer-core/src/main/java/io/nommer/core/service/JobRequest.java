package io.nommer.core.service;

import io.nommer.core.profile.ParsedProfile;
import io.nommer.core.profile.Profile;
import io.nommer.core.webhook.NotifyFormat;
import java.util.List;
import java.util.Map;

/**
 * A job as a client asked for it, before validation. Field names follow the JSON API.
 *
 * @param priority {@code high|normal|low} or null
 * @param cloud the cloud whose workers run the job, or null for the default cloud
 * @param requestHash identifies the request's content, compared when its idempotency key is used again (the API:
 *     SHA-256 of the job object's canonical JSON); null: never compared
 * @param notifyFormat what the notify URL is sent (nommer's webhooks unless a compatibility route says otherwise)
 * @param notes what the server decided in translating the request (media-nommer compatibility), for the timeline
 */
public record JobRequest(
        String input,
        List<OutputRequest> outputs,
        String priority,
        Map<String, Object> metadata,
        String notifyUrl,
        String idempotencyKey,
        String cloud,
        String requestHash,
        NotifyFormat notifyFormat,
        List<String> notes) {

    public JobRequest {
        notifyFormat = notifyFormat == null ? NotifyFormat.NOMMER : notifyFormat;
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * @param overrides profile fields laid over the preset, as the client wrote them (refused, if bad, only once the
     *     request's earlier fields passed)
     * @param commandProfile a profile with a {@link Profile#COMMAND} that the server built itself (media-nommer
     *     compatibility), used instead of {@code preset} and {@code overrides} and checked as a stored profile is;
     *     never taken from a client's JSON, where a command is accepted only in a stored profile. Null otherwise.
     */
    public record OutputRequest(
            String name, String preset, String destination, ParsedProfile overrides, Profile commandProfile) {
        public OutputRequest(String name, String preset, String destination, ParsedProfile overrides) {
            this(name, preset, destination, overrides, null);
        }
    }
}
