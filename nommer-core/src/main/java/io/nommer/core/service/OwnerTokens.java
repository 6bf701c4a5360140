package io.nommer.core.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

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

    /** The stored form of an owner token (SHA-256, hex). */
    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Whether {@code token} is the one whose hash is {@code storedHash}, compared in constant time. */
    static boolean matches(String token, String storedHash) {
        return storedHash != null
                && MessageDigest.isEqual(
                        hash(token).getBytes(StandardCharsets.US_ASCII),
                        storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
