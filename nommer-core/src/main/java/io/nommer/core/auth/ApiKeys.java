package io.nommer.core.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The store's API keys and tenants. Secrets are kept only as hashes ({@link KeyTokens}). */
public interface ApiKeys {
    /** What a tenant may be called: 1-64 of a-z, 0-9, '_' and '-', starting with a letter or digit. */
    Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** A new key and its secret token, which is shown once and never stored. */
    record Created(ApiKey key, String token) {}

    /**
     * Makes a key for {@code tenant} (creating the tenant when it is new).
     *
     * @param expiresAt null for never
     */
    Created create(String tenant, Role role, String description, Instant expiresAt);

    /**
     * The key a bearer token names when the token is its secret, recording its use; empty for anything else. Answers
     * revoked and expired keys too: the caller decides what they mean.
     */
    Optional<ApiKey> authenticate(String token);

    /** Every key of {@code tenant}, or of every tenant when null; newest first. */
    List<ApiKey> list(String tenant);

    /** Revokes a key (it stops working at once); empty when there is no such key. */
    Optional<ApiKey> revoke(String id);

    /** Tenants by name, with when each was created. */
    List<Tenant> tenants();

    /** Creates a tenant, or answers the existing one. */
    Tenant tenant(String name);

    record Tenant(String name, Instant createdAt) {}
}
