package io.nommer.core.auth;

import java.time.Instant;

/**
 * An API key as the store keeps it: never the secret itself, only its hash.
 *
 * @param expiresAt null for never
 * @param revokedAt null while it works
 * @param lastUsedAt null until first used; recorded at most about once a minute
 */
public record ApiKey(
        String id,
        String tenant,
        Role role,
        String description,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {

    /** Whether the key still proves who it names at {@code now}. */
    public boolean validAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public Principal principal() {
        return new Principal(tenant, role, id);
    }
}
