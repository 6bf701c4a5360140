package io.nommer.storage.s3;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How S3 (or an S3-compatible service) is reached and used. Secrets never appear in {@link #toString()}.
 *
 * @param endpoint the service's URL, e.g. {@code http://minio:9000}; empty for AWS itself
 * @param region the signing region; S3-compatible services usually accept {@code us-east-1}
 * @param pathStyleAccess {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; most
 *     S3-compatible services need it
 * @param accessKey with {@code secretKey}: static credentials; both empty: the SDK's default credentials chain
 *     (environment, system properties, profile files, container and instance roles)
 * @param secretKey the secret for {@code accessKey}
 * @param defaultLocation {@code s3://BUCKET/PREFIX}: outputs with no destination go to
 *     {@code s3://BUCKET/PREFIX/outputs/<jobId>/<outputName>/}
 * @param allowedBuckets buckets jobs may read and write; empty means only the bucket of {@code defaultLocation}
 * @param multipartThreshold files larger than this are uploaded in parts
 * @param partSize the size of each part but the last (S3 requires 5 MiB to 5 GiB)
 * @param maxInputBytes the largest {@code s3:} input a task will download
 */
public record S3StorageConfig(
        Optional<URI> endpoint,
        String region,
        boolean pathStyleAccess,
        Optional<String> accessKey,
        Optional<String> secretKey,
        URI defaultLocation,
        List<String> allowedBuckets,
        long multipartThreshold,
        long partSize,
        long maxInputBytes) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_INPUT_BYTES = 50L * 1024 * 1024 * 1024;
    /** S3 allows at most this many parts in one upload. */
    public static final int MAX_PARTS = 10_000;

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");

    public S3StorageConfig {
        endpoint = Objects.requireNonNullElse(endpoint, Optional.empty());
        endpoint.ifPresent(S3StorageConfig::checkEndpoint);
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException(
                    "region must be an AWS region name such as us-east-1, not '" + region + "'");
        }
        accessKey =
                Objects.requireNonNullElse(accessKey, Optional.<String>empty()).filter(s -> !s.isBlank());
        secretKey =
                Objects.requireNonNullElse(secretKey, Optional.<String>empty()).filter(s -> !s.isBlank());
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException("accessKey and secretKey must be set together (or both left out to use"
                    + " the default credentials chain)");
        }
        Objects.requireNonNull(defaultLocation, "defaultLocation must be set, e.g. s3://my-bucket/nommer");
        defaultLocation = checkLocation(defaultLocation);
        if (allowedBuckets == null) {
            throw new IllegalArgumentException("allowedBuckets must be a list (possibly empty), not null");
        }
        for (String b : allowedBuckets) {
            if (b == null || !BUCKET.matcher(b).matches()) {
                throw new IllegalArgumentException("allowedBuckets contains '" + b + "', which is not a bucket name");
            }
        }
        allowedBuckets = List.copyOf(allowedBuckets);
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be between " + MIN_PART_SIZE + " and " + MAX_PART_SIZE
                    + " bytes (an S3 limit), not " + partSize);
        }
        if (multipartThreshold < MIN_PART_SIZE) {
            throw new IllegalArgumentException(
                    "multipartThreshold must be at least " + MIN_PART_SIZE + " bytes, not " + multipartThreshold);
        }
        if (maxInputBytes <= 0) {
            throw new IllegalArgumentException("maxInputBytes must be positive, not " + maxInputBytes);
        }
    }

    /** AWS in {@code us-east-1}, the default credentials chain and default sizes, writing under {@code defaultLocation}. */
    public static S3StorageConfig of(URI defaultLocation) {
        return new S3StorageConfig(
                Optional.empty(),
                DEFAULT_REGION,
                false,
                Optional.empty(),
                Optional.empty(),
                defaultLocation,
                List.of(),
                DEFAULT_MULTIPART_THRESHOLD,
                DEFAULT_PART_SIZE,
                DEFAULT_MAX_INPUT_BYTES);
    }

    /** The bucket of {@link #defaultLocation()}. */
    public String defaultBucket() {
        return defaultLocation.getAuthority();
    }

    /** The key prefix of {@link #defaultLocation()}: empty, or ending in {@code /}. */
    public String defaultPrefix() {
        String p = defaultLocation.getPath();
        return p.isEmpty() || p.equals("/") ? "" : p.substring(1) + "/";
    }

    /** Whether jobs may read and write {@code bucket}. */
    public boolean allows(String bucket) {
        return allowedBuckets.isEmpty()
                ? defaultBucket().equals(bucket)
                : allowedBuckets.contains(bucket) || defaultBucket().equals(bucket);
    }

    public S3StorageConfig withEndpoint(URI url) {
        return new S3StorageConfig(
                Optional.ofNullable(url),
                region,
                pathStyleAccess,
                accessKey,
                secretKey,
                defaultLocation,
                allowedBuckets,
                multipartThreshold,
                partSize,
                maxInputBytes);
    }

    public S3StorageConfig withRegion(String name) {
        return new S3StorageConfig(
                endpoint,
                name,
                pathStyleAccess,
                accessKey,
                secretKey,
                defaultLocation,
                allowedBuckets,
                multipartThreshold,
                partSize,
                maxInputBytes);
    }

    public S3StorageConfig withPathStyleAccess(boolean pathStyle) {
        return new S3StorageConfig(
                endpoint,
                region,
                pathStyle,
                accessKey,
                secretKey,
                defaultLocation,
                allowedBuckets,
                multipartThreshold,
                partSize,
                maxInputBytes);
    }

    public S3StorageConfig withCredentials(String access, String secret) {
        return new S3StorageConfig(
                endpoint,
                region,
                pathStyleAccess,
                Optional.ofNullable(access),
                Optional.ofNullable(secret),
                defaultLocation,
                allowedBuckets,
                multipartThreshold,
                partSize,
                maxInputBytes);
    }

    public S3StorageConfig withAllowedBuckets(List<String> buckets) {
        return new S3StorageConfig(
                endpoint,
                region,
                pathStyleAccess,
                accessKey,
                secretKey,
                defaultLocation,
                buckets,
                multipartThreshold,
                partSize,
                maxInputBytes);
    }

    public S3StorageConfig withMultipart(long threshold, long part) {
        return new S3StorageConfig(
                endpoint,
                region,
                pathStyleAccess,
                accessKey,
                secretKey,
                defaultLocation,
                allowedBuckets,
                threshold,
                part,
                maxInputBytes);
    }

    public S3StorageConfig withMaxInputBytes(long bytes) {
        return new S3StorageConfig(
                endpoint,
                region,
                pathStyleAccess,
                accessKey,
                secretKey,
                defaultLocation,
                allowedBuckets,
                multipartThreshold,
                partSize,
                bytes);
    }

    /** Secrets masked: safe to log. */
    @Override
    public String toString() {
        return "S3StorageConfig[endpoint=" + endpoint.map(URI::toString).orElse("<aws>") + ", region=" + region
                + ", pathStyleAccess=" + pathStyleAccess + ", accessKey="
                + accessKey.map(k -> "<masked>").orElse("<default chain>") + ", secretKey="
                + secretKey.map(k -> "<masked>").orElse("<default chain>")
                + ", defaultLocation=" + defaultLocation + ", allowedBuckets=" + allowedBuckets
                + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize + ", maxInputBytes="
                + maxInputBytes + "]";
    }

    static boolean isBucketName(String s) {
        return s != null && BUCKET.matcher(s).matches();
    }

    private static void checkEndpoint(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL such as https://s3.example.com, not '"
                    + withoutUserInfo(url) + "'");
        }
        if (url.getUserInfo() != null) {
            // why: credentials belong in accessKey/secretKey, where they are masked
            throw new IllegalArgumentException("endpoint must not carry credentials; set accessKey and secretKey");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "endpoint must not have a query or fragment: '" + withoutUserInfo(url) + "'");
        }
    }

    private static URI checkLocation(URI location) {
        if (!"s3".equalsIgnoreCase(location.getScheme())
                || location.isOpaque()
                || !isBucketName(location.getAuthority())
                || location.getRawQuery() != null
                || location.getRawFragment() != null) {
            throw new IllegalArgumentException("defaultLocation must be written s3://BUCKET or s3://BUCKET/PREFIX, with"
                    + " a valid bucket name, not '" + withoutUserInfo(location) + "'");
        }
        String path = location.getPath() == null ? "" : location.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (String segment : path.isEmpty() ? new String[0] : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "defaultLocation has an empty, '.' or '..' path segment: '" + location + "'");
            }
        }
        return S3Storage.uri(location.getAuthority(), path.isEmpty() ? "" : path.substring(1));
    }

    private static String withoutUserInfo(URI url) {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
    }
}
