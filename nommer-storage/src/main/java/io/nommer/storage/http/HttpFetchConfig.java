package io.nommer.storage.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How http(s) inputs are downloaded.
 *
 * @param connectTimeout how long to wait for a TCP/TLS connection
 * @param readTimeout how long the server may stay silent: before the response headers, and between body bytes
 * @param totalDeadline how long the whole download, redirects included, may take
 * @param maxBytes the largest input downloaded
 * @param maxRedirects how many redirects are followed (each hop is checked again)
 * @param allowPrivateNetworks whether inputs may come from loopback, private, link-local and similar addresses; off
 *     by default because it lets job submitters reach internal services and cloud metadata endpoints
 * @param minBytesPerSecond the slowest body transfer accepted, averaged over {@code rateWindow}; 0 accepts any rate.
 *     Without it a server sending a byte now and then (within {@code readTimeout}) holds a worker slot until
 *     {@code totalDeadline}
 * @param rateWindow how long the rate is averaged over, so that short stalls pass; the rate is first judged once the
 *     body has been arriving this long
 */
public record HttpFetchConfig(
        Duration connectTimeout,
        Duration readTimeout,
        Duration totalDeadline,
        long maxBytes,
        int maxRedirects,
        boolean allowPrivateNetworks,
        long minBytesPerSecond,
        Duration rateWindow) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TOTAL_DEADLINE = Duration.ofHours(1);
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024 * 1024;
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    public static final int MAX_REDIRECTS_LIMIT = 20;
    /** 16 KiB/s (128 kbit/s): far below any real origin, far above a deliberate trickle. */
    public static final long DEFAULT_MIN_BYTES_PER_SECOND = 16 * 1024;

    public static final Duration DEFAULT_RATE_WINDOW = Duration.ofSeconds(30);

    public HttpFetchConfig {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(totalDeadline, "totalDeadline");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
        }
        if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxRedirects must be between 0 and " + MAX_REDIRECTS_LIMIT + ", not " + maxRedirects);
        }
        if (minBytesPerSecond < 0) {
            throw new IllegalArgumentException("minBytesPerSecond cannot be negative, not " + minBytesPerSecond);
        }
        requirePositive(rateWindow, "rateWindow");
    }

    public static HttpFetchConfig defaults() {
        return new HttpFetchConfig(
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT,
                DEFAULT_TOTAL_DEADLINE,
                DEFAULT_MAX_BYTES,
                DEFAULT_MAX_REDIRECTS,
                false,
                DEFAULT_MIN_BYTES_PER_SECOND,
                DEFAULT_RATE_WINDOW);
    }

    public HttpFetchConfig withAllowPrivateNetworks(boolean allow) {
        return new HttpFetchConfig(
                connectTimeout,
                readTimeout,
                totalDeadline,
                maxBytes,
                maxRedirects,
                allow,
                minBytesPerSecond,
                rateWindow);
    }

    public HttpFetchConfig withMaxBytes(long bytes) {
        return new HttpFetchConfig(
                connectTimeout,
                readTimeout,
                totalDeadline,
                bytes,
                maxRedirects,
                allowPrivateNetworks,
                minBytesPerSecond,
                rateWindow);
    }

    public HttpFetchConfig withTimeouts(Duration connect, Duration read, Duration total) {
        return new HttpFetchConfig(
                connect, read, total, maxBytes, maxRedirects, allowPrivateNetworks, minBytesPerSecond, rateWindow);
    }

    public HttpFetchConfig withMaxRedirects(int redirects) {
        return new HttpFetchConfig(
                connectTimeout,
                readTimeout,
                totalDeadline,
                maxBytes,
                redirects,
                allowPrivateNetworks,
                minBytesPerSecond,
                rateWindow);
    }

    /** @param bytesPerSecond the slowest transfer accepted, averaged over {@code window}; 0 accepts any */
    public HttpFetchConfig withMinRate(long bytesPerSecond, Duration window) {
        return new HttpFetchConfig(
                connectTimeout,
                readTimeout,
                totalDeadline,
                maxBytes,
                maxRedirects,
                allowPrivateNetworks,
                bytesPerSecond,
                window);
    }

    private static void requirePositive(Duration d, String setting) {
        Objects.requireNonNull(d, setting + " must be set");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive, not " + d);
        }
    }
}
