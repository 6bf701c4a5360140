package io.nommer.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The form of API key tokens: {@code nk_<id>_<secret>}, the id naming the stored key (so a token is checked against
 * one hash, not all of them) and the secret 256 random bits. Only the SHA-256 of the whole token is stored: a random
 * secret needs no slow hash, and a stolen table proves nothing.
 */
public final class KeyTokens {
    private static final Pattern TOKEN = Pattern.compile("nk_([a-z0-9]{20})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private KeyTokens() {}

    /** A new key id: 20 lowercase letters and digits. */
    public static String newId() {
        char[] c = new char[20];
        for (int i = 0; i < c.length; i++) {
            c[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(c);
    }

    /** A new token for key {@code id}. */
    public static String newToken(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "nk_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The key id a token names, or empty when it is not shaped like a key token. */
    public static Optional<String> id(String token) {
        Matcher m = TOKEN.matcher(token);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** SHA-256 of the token, hex. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** SHA-256 of a token's UTF-8 bytes. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Whether {@code token} hashes to {@code storedHash}, compared in constant time. */
    public static boolean matches(String token, String storedHash) {
        return storedHash != null
                && MessageDigest.isEqual(
                        hash(token).getBytes(StandardCharsets.US_ASCII),
                        storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
