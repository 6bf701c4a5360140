package io.nommer.core.service;

import io.nommer.core.auth.KeyTokens;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A job's owner token: handed out once, in the response that creates the job, and stored only as its hash. Until API
 * keys and tenants exist, holding it is what makes a caller the job's owner (it unlocks encryption keys).
 */
final class OwnerTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerTokens() {}

    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "own_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The stored form of an owner token (SHA-256, hex), as API keys are kept. */
    static String hash(String token) {
        return KeyTokens.hash(token);
    }

    /** Whether {@code token} is the one whose hash is {@code storedHash}, compared in constant time. */
    static boolean matches(String token, String storedHash) {
        return KeyTokens.matches(token, storedHash);
    }
}
