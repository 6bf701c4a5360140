package io.nommer.server.auth;

import io.nommer.server.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Download URLs a web player can use without sending a key: a token in the path grants one output's files until it
 * expires. The token is {@code <expiry epoch seconds>-<HMAC-SHA256 of job id, output and expiry>}, base64url.
 *
 * <p>why: in the path, not the query, because players resolve a playlist's relative references (variant playlists,
 * segments, init segments) against the playlist's URL, which keeps its path and drops its query; one token then
 * covers every file of the output. Expiries are rounded up to the hour, so that a job read twice in an hour shows
 * the same URLs and caches keep working.
 */
public final class SignedUrls {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Duration lifetime;
    private final InstantSource clock;

    /**
     * @param secret the orchestrators' shared secret; a key only for URLs is derived from it, so a signature of one
     *     kind never passes for the other
     * @param lifetime how long a URL works at least
     */
    public SignedUrls(String secret, Duration lifetime, InstantSource clock) {
        this.key = new SecretKeySpec(
                hmac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), "nommer signed urls"),
                "HmacSHA256");
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A token for {@code output} of {@code jobId}, valid at least {@link #lifetime} from now. */
    public String token(String jobId, String output) {
        long hour = 3600;
        long at = clock.instant().plus(lifetime).getEpochSecond();
        long expires = (at + hour - 1) / hour * hour;
        return expires + "-" + sign(jobId, output, expires);
    }

    /**
     * @throws ApiException {@code 403 invalid_signature} when the token was not made here for this output, and
     *     {@code 403 url_expired} once it has expired
     */
    public void verify(String token, String jobId, String output) {
        int dash = token.indexOf('-');
        long expires;
        try {
            expires = dash < 1 || dash > 12 ? -1 : Long.parseLong(token.substring(0, dash));
        } catch (NumberFormatException e) {
            expires = -1;
        }
        byte[] expected = sign(jobId, output, expires).getBytes(StandardCharsets.US_ASCII);
        byte[] given = token.substring(dash + 1).getBytes(StandardCharsets.US_ASCII);
        if (expires < 0 || !MessageDigest.isEqual(expected, given)) {
            throw new ApiException(
                    403, "invalid_signature", "this signed URL is not valid for job " + jobId + ", output " + output);
        }
        if (clock.instant().isAfter(Instant.ofEpochSecond(expires))) {
            throw new ApiException(
                    403,
                    "url_expired",
                    "this signed URL expired at " + Instant.ofEpochSecond(expires)
                            + "; read the job again for a fresh one");
        }
    }

    private String sign(String jobId, String output, long expires) {
        return B64.encodeToString(hmac(key, jobId + "\n" + output + "\n" + expires));
    }

    private static byte[] hmac(SecretKeySpec key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
