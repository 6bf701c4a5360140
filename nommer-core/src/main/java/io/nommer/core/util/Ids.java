package io.nommer.core.util;

import java.security.SecureRandom;
import java.time.InstantSource;

/**
 * Time-ordered identifiers: a prefix, 48 bits of milliseconds and 80 random bits in lowercase Crockford base32
 * (the ULID layout), so ids sort by creation and reveal nothing guessable.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public Ids(InstantSource clock) {
        this.clock = clock;
    }

    public String next(String prefix) {
        long millis = clock.millis();
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        byte[] r = new byte[10];
        random.nextBytes(r);
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (r[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (r[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return prefix + "_" + new String(out);
    }
}
