package io.nommer.core.service;

import io.nommer.core.auth.KeyTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A job's owner token: handed out once, in the response that creates the job, and stored only as its hash. With
 * authentication off, holding it is what makes a caller the job's owner (it unlocks encryption keys).
 */
final class OwnerTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a hash was before it was cut to 128 bits: the whole SHA-256 in hex. */
    private static final int WHOLE_HEX = 64;

    private OwnerTokens() {}

    static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "own_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * The stored form of an owner token: the first 128 bits of its SHA-256, base64url (22 characters). Every job row
     * holds one, and the whole hash in hex took 64 bytes of each, written to the WAL with the row. The token is 256
     * random bits, so 128 bits of its hash are as far beyond guessing as the whole of it.
     */
    static String hash(String token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(KeyTokens.sha256(token), 16));
    }

    /**
     * Whether {@code token} is the one whose hash is {@code storedHash}, compared in constant time. A job created
     * before the hash was cut holds the whole SHA-256 in hex, and is checked against that.
     */
    static boolean matches(String token, String storedHash) {
        if (storedHash == null) {
            return false;
        }
        String expected = storedHash.length() == WHOLE_HEX ? KeyTokens.hash(token) : hash(token);
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
