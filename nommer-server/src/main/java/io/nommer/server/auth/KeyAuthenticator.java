package io.nommer.server.auth;

import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Principal;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Router.Access;
import io.nommer.server.http.Router.Authenticator;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * Authentication by API key: {@code Authorization: Bearer <key>}, the key looked up by the id it carries and its
 * hash compared in constant time ({@link io.nommer.core.auth.KeyTokens}). Keys never reach a log or an answer.
 */
public final class KeyAuthenticator implements Authenticator {
    private final ApiKeys keys;
    private final Clock clock;

    public KeyAuthenticator(ApiKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public Principal authenticate(String authorization, Access access) {
        String token = bearer(authorization);
        Optional<ApiKey> key = token == null ? Optional.empty() : keys.authenticate(token);
        boolean valid = key.isPresent() && key.get().validAt(clock.instant());
        if (access == Access.PUBLIC) {
            // why: a public route (the encryption key's) also takes other bearer tokens (owner tokens), so a token
            // that is no API key is not an error here
            return valid ? key.get().principal() : null;
        }
        if (token == null) {
            throw unauthorized("this endpoint needs an API key: send 'Authorization: Bearer <key>'");
        }
        if (key.isEmpty()) {
            throw unauthorized("the API key is not valid");
        }
        if (!valid) {
            ApiKey k = key.get();
            throw unauthorized(
                    k.revokedAt() != null
                            ? "API key " + k.id() + " was revoked at " + k.revokedAt()
                            : "API key " + k.id() + " expired at " + k.expiresAt());
        }
        if (access == Access.ADMIN && !key.get().principal().admin()) {
            throw new ApiException(
                    403,
                    "forbidden",
                    "this endpoint needs an admin key; " + key.get().id() + " is a key of tenant "
                            + key.get().tenant());
        }
        return key.get().principal();
    }

    /** The token of a {@code Bearer} header (the scheme is case-insensitive), or null. */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String h = authorization.strip();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = h.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }
}
