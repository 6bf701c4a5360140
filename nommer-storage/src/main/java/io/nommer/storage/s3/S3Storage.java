package io.nommer.storage.s3;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.ContentTypes;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.storage.StorageUnavailableException;
import io.nommer.storage.local.StoredFile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code s3://bucket/key} inputs and destinations, on AWS or any S3-compatible endpoint.
 *
 * <p>Inputs are downloaded into the task's working folder, bounded by {@code maxInputBytes} (checked from the object's
 * size first, then while streaming). Outputs are written with one PutObject up to {@code multipartThreshold} and with
 * a multipart upload above it; either way the object appears under its key whole, on completion, and a multipart
 * upload that fails is aborted so no parts are left behind to be billed. Jobs may only use the allowed buckets.
 *
 * <p>A bucket that does not exist or refuses the service's credentials is a {@link StorageUnavailableException}
 * wherever it is met. Errors and logs name buckets and keys, never credentials.
 */
public final class S3Storage implements InputFetcher, OutputPublisher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);
    /** A file or folder name we create: no separators, not {@code .}/{@code ..}, not hidden. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Pattern EXTENSION = Pattern.compile("\\.([A-Za-z0-9]{1,10})$");
    private static final Duration MAX_PRESIGN = Duration.ofDays(7);
    private static final int BUFFER = 64 * 1024;

    private final S3StorageConfig config;
    private final S3Client client;
    private final S3Presigner presigner;

    public S3Storage(S3StorageConfig config) {
        this(config, UnaryOperator.identity());
    }

    /** For tests: wraps the SDK client, e.g. to inject failures. */
    S3Storage(S3StorageConfig config, UnaryOperator<S3Client> decorate) {
        this.config = config;
        AwsCredentialsProvider credentials = config.accessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        config.accessKey().get(), config.secretKey().orElseThrow()))
                : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(config.region());
        var builder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyleAccess())
                // why: many S3-compatible services reject the SDK's newer default checksum trailers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // why: a small blocking JDK client; no Netty or Apache HttpClient on the classpath
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        config.endpoint().ifPresent(builder::endpointOverride);
        this.client = decorate.apply(builder.build());
        var presign = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(config.pathStyleAccess())
                        .build());
        config.endpoint().ifPresent(presign::endpointOverride);
        this.presigner = presign.build();
        log.info("S3 storage: {}", config);
    }

    public S3StorageConfig config() {
        return config;
    }

    // ---- inputs ----

    /**
     * Checks the URI's form and bucket; the object itself is not looked up at submission.
     *
     * @throws IllegalArgumentException for a malformed URI, a folder, or a bucket that is not allowed
     */
    @Override
    public void checkAcceptable(URI input) {
        Location at = location(input);
        if (at.key().isEmpty() || at.key().endsWith("/")) {
            throw new IllegalArgumentException(
                    "an s3: input names an object, s3://bucket/key, not a folder: '" + input + "'");
        }
    }

    /**
     * @return the downloaded file in {@code workDir} ({@link LocalInput#temporary()} is true)
     * @throws TaskFailedException {@code input_forbidden} (malformed URI, bucket not allowed, access denied),
     *     {@code input_not_found}, {@code input_too_large}, {@code input_empty}, {@code storage_unavailable} (a
     *     {@link StorageUnavailableException}: the bucket does not exist), or the retryable {@code input_fetch_failed}
     *     for other storage and network errors
     */
    @Override
    public LocalInput fetch(URI input, Path workDir) {
        Location at;
        try {
            checkAcceptable(input);
            at = location(input);
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException(ErrorCode.INPUT_FORBIDDEN, e.getMessage());
        }
        long max = config.maxInputBytes();
        Path target = workDir.resolve(fileName(at.key()));
        boolean done = false;
        try {
            Files.createDirectories(workDir);
            long size = 0;
            // why: a GET rather than HEAD then GET: an error answer to a HEAD has no body, so no S3 error code to tell
            // a missing bucket (storage_unavailable) from a missing key (input_not_found)
            try (ResponseInputStream<GetObjectResponse> in =
                            client.getObject(r -> r.bucket(at.bucket()).key(at.key()));
                    OutputStream out = Files.newOutputStream(
                            target,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                Long declared = in.response().contentLength();
                if (declared != null && declared > max) {
                    in.abort();
                    throw tooLarge(input, "has " + declared + " bytes");
                }
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) != -1) {
                    size += n;
                    if (size > max) {
                        // why: the object may have been replaced by a larger one since HeadObject
                        in.abort();
                        throw tooLarge(input, "is larger");
                    }
                    out.write(buf, 0, n);
                }
            }
            if (size == 0) {
                throw new TaskFailedException(ErrorCode.INPUT_EMPTY, "the input " + input + " is empty");
            }
            done = true;
            log.info("downloaded {} bytes from {}", size, input);
            return new LocalInput(target, size, true);
        } catch (NoSuchKeyException e) {
            throw notFound(input);
        } catch (S3Exception e) {
            if (isNoSuchBucket(e)) {
                throw unavailable(at.bucket(), e);
            }
            throw switch (e.statusCode()) {
                case 404 -> notFound(input);
                // why: S3 also answers 403 for one object a bucket policy hides, so it stays the input's refusal
                case 403 ->
                    new TaskFailedException(
                            ErrorCode.INPUT_FORBIDDEN,
                            "access to the input " + input + " is denied (" + errorCode(e) + ")");
                default -> fetchFailed(input, errorCode(e) + ", HTTP " + e.statusCode(), e);
            };
        } catch (SdkException e) {
            throw fetchFailed(input, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw fetchFailed(input, e.toString(), e);
        } finally {
            if (!done) {
                deleteQuietly(target);
            }
        }
    }

    // ---- outputs ----

    /** Where uploads made through the API are kept when S3 is the default storage. */
    public URI uploadsFolder() {
        return uri(config.defaultBucket(), config.defaultPrefix() + "uploads/");
    }

    @Override
    public URI defaultFolder(String jobId, String outputName) {
        requireSegment(jobId, "job id");
        requireSegment(outputName, "output name");
        return uri(config.defaultBucket(), config.defaultPrefix() + "outputs/" + jobId + "/" + outputName + "/");
    }

    /**
     * @throws IllegalArgumentException unless {@code folder} is {@code s3://bucket/prefix/} (ending in {@code /}) in an
     *     allowed bucket
     */
    @Override
    public void checkWritable(URI folder) {
        Location at = location(folder);
        if (!folder.getRawPath().endsWith("/")) {
            throw new IllegalArgumentException("destination must be a folder URI ending in '/', not '" + folder + "'");
        }
        String key = at.key();
        if (!key.isEmpty()) {
            for (String segment : key.substring(0, key.length() - 1).split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException(
                            "destination has an empty, '.' or '..' path segment: '" + folder + "'");
                }
            }
        }
    }

    /**
     * Uploads {@code file} as {@code folder + name}: PutObject up to {@code multipartThreshold}, a multipart upload
     * above it (aborted on any failure). The object appears whole on completion and replaces any previous one.
     *
     * @throws IllegalArgumentException for an unacceptable folder or name (checked at submission, so a bug here)
     * @throws StorageUnavailableException when the bucket does not exist or refuses the service's credentials
     * @throws UncheckedIOException when reading the file or writing to S3 fails otherwise
     */
    @Override
    public URI publish(Path file, URI folder, String name) {
        requireSegment(name, "output file name");
        checkWritable(folder);
        Location at = location(folder);
        String key = at.key() + name;
        URI target = uri(at.bucket(), key);
        String contentType = ContentTypes.of(name);
        try {
            long size = Files.size(file);
            if (size > config.multipartThreshold()) {
                multipart(file, size, at.bucket(), key, contentType);
            } else {
                client.putObject(
                        r -> r.bucket(at.bucket()).key(key).contentType(contentType), RequestBody.fromFile(file));
            }
            log.debug("published {} ({} bytes) as {}", file, size, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("publishing " + name + " to " + folder + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw storageFailure(at.bucket(), e, "publishing " + name + " to " + folder + " failed");
        }
    }

    private void multipart(Path file, long size, String bucket, String key, String contentType) {
        long partSize = Math.max(config.partSize(), ceilDiv(size, S3StorageConfig.MAX_PARTS));
        String uploadId = client.createMultipartUpload(
                        r -> r.bucket(bucket).key(key).contentType(contentType))
                .uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                long from = offset;
                int partNumber = number;
                String etag = client.uploadPart(
                                r -> r.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(partNumber)
                                        .contentLength(length),
                                RequestBody.fromContentProvider(
                                        () -> slice(file, from, length), length, "application/octet-stream"))
                        .eTag();
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(etag)
                        .build());
            }
            client.completeMultipartUpload(r -> r.bucket(bucket)
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(
                            CompletedMultipartUpload.builder().parts(parts).build()));
            completed = true;
        } finally {
            if (!completed) {
                try {
                    client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    // why: the original failure matters more; a lifecycle rule can clean up what remains
                    log.warn("cannot abort the multipart upload of s3://{}/{}: {}", bucket, key, describe(e));
                }
            }
        }
    }

    // ---- serving back ----

    @Override
    public void delete(URI published) {
        checkAcceptable(published);
        Location at = location(published);
        try {
            client.deleteObject(r -> r.bucket(at.bucket()).key(at.key()));
        } catch (SdkException e) {
            throw storageFailure(at.bucket(), e, "cannot delete " + published);
        }
    }

    @Override
    public void copyToLocal(URI published, Path target) {
        StoredFile.copy(open(published), published, target);
    }

    /**
     * Opens a stored object to serve it back, e.g. through the API.
     *
     * @return empty when no such object exists
     * @throws IllegalArgumentException for a malformed URI, a bucket that is not allowed, or a folder
     * @throws StorageUnavailableException when the bucket does not exist or refuses the service's credentials
     * @throws UncheckedIOException when S3 fails otherwise
     */
    public Optional<StoredFile> open(URI uri) {
        String key = location(uri).key();
        return read(uri, ObjectRead.Conditions.NONE)
                .map(r -> new StoredFile(r.body(), r.length(), key.substring(key.lastIndexOf('/') + 1)));
    }

    /**
     * Reads a stored object for an HTTP client: S3 itself answers the byte range and the conditional request.
     *
     * @return empty when no such object exists
     * @throws IllegalArgumentException for a malformed URI, a bucket that is not allowed, or a folder
     * @throws StorageUnavailableException when the bucket does not exist or refuses the service's credentials
     * @throws UncheckedIOException when S3 fails otherwise
     */
    public Optional<ObjectRead> read(URI uri, ObjectRead.Conditions c) {
        checkAcceptable(uri);
        Location at = location(uri);
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(at.bucket())
                    .key(at.key())
                    .range(c.range())
                    .ifNoneMatch(c.ifNoneMatch())
                    .ifModifiedSince(c.ifModifiedSince()));
            GetObjectResponse g = in.response();
            Long length = g.contentLength();
            return Optional.of(new ObjectRead(
                    g.contentRange() != null ? 206 : 200,
                    in,
                    length == null ? -1 : length,
                    g.contentRange(),
                    g.eTag(),
                    g.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (isNoSuchBucket(e)) {
                throw unavailable(at.bucket(), e);
            }
            return switch (e.statusCode()) {
                case 404 -> Optional.empty();
                case 304 -> Optional.of(new ObjectRead(304, null, 0, null, c.ifNoneMatch(), null));
                case 416 -> Optional.of(rangeNotSatisfiable(uri, at));
                default -> throw storageFailure(at.bucket(), e, "cannot open " + uri);
            };
        } catch (SdkException e) {
            throw storageFailure(at.bucket(), e, "cannot open " + uri);
        }
    }

    /** A 416 with the object's size, which a client needs to ask for a range that exists. */
    private ObjectRead rangeNotSatisfiable(URI uri, Location at) {
        try {
            HeadObjectResponse h = client.headObject(r -> r.bucket(at.bucket()).key(at.key()));
            return new ObjectRead(416, null, 0, "bytes */" + h.contentLength(), h.eTag(), h.lastModified());
        } catch (SdkException e) {
            throw storageFailure(at.bucket(), e, "cannot open " + uri);
        }
    }

    /**
     * A URL anyone holding it can GET the object with until it expires; signed locally, S3 is not contacted.
     *
     * @param validity up to 7 days (the SigV4 limit)
     * @throws IllegalArgumentException for a malformed URI, a bucket that is not allowed, or a bad validity
     */
    public URL presign(URI uri, Duration validity) {
        checkAcceptable(uri);
        if (validity == null || validity.isNegative() || validity.isZero() || validity.compareTo(MAX_PRESIGN) > 0) {
            throw new IllegalArgumentException(
                    "a presigned URL is valid for more than 0 and at most 7 days, not " + validity);
        }
        Location at = location(uri);
        return presigner
                .presignGetObject(r -> r.signatureDuration(validity)
                        .getObjectRequest(g -> g.bucket(at.bucket()).key(at.key())))
                .url();
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
    }

    // ---- helpers ----

    record Location(String bucket, String key) {}

    /** Parses and checks {@code s3://bucket/key}: the form, and that the bucket is allowed. */
    Location location(URI uri) {
        if (uri == null || !"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "S3 storage cannot use '" + (uri == null ? null : uri.getScheme()) + ":' URIs");
        }
        if (uri.isOpaque()
                || uri.getRawUserInfo() != null
                || uri.getPort() != -1
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "an S3 URI is written s3://bucket/key, with no credentials, port, query or fragment");
        }
        String bucket = uri.getAuthority();
        if (!S3StorageConfig.isBucketName(bucket)) {
            throw new IllegalArgumentException("'" + uri + "' does not name a valid bucket (s3://bucket/key)");
        }
        if (!config.allows(bucket)) {
            throw new IllegalArgumentException(
                    "bucket '" + bucket + "' is not one this service may use (setting allowed_buckets)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return new Location(bucket, path.startsWith("/") ? path.substring(1) : path);
    }

    static URI uri(String bucket, String key) {
        try {
            return new URI("s3", bucket, "/" + key, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot form an S3 URI for bucket '" + bucket + "': " + e.getMessage());
        }
    }

    private static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            return new Bounded(Channels.newInputStream(ch), length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** At most {@code remaining} bytes of the underlying stream. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** {@code input} plus the key's extension when it has a plain one: some demuxers are chosen by extension. */
    static String fileName(String key) {
        String last = key.substring(key.lastIndexOf('/') + 1);
        Matcher m = EXTENSION.matcher(last);
        return m.find() ? "input." + m.group(1).toLowerCase(Locale.ROOT) : "input";
    }

    private static void requireSegment(String s, String what) {
        if (s == null || !SEGMENT.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 of A-Z, a-z, 0-9, '.', '_', '-', starting with"
                    + " a letter or digit, not '" + printable(s) + "'");
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode()
                : "S3 error";
    }

    private static String describe(SdkException e) {
        return e instanceof S3Exception s3
                ? errorCode(s3) + ", HTTP " + s3.statusCode()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static boolean isNoSuchBucket(S3Exception e) {
        return e instanceof NoSuchBucketException || "NoSuchBucket".equals(errorCode(e));
    }

    /**
     * What an S3 failure on {@code bucket} means to the caller: the storage as a whole is unusable (the bucket does not
     * exist, any 403: S3 refuses the service's credentials for it, or its endpoint cannot be reached at all), or an
     * I/O failure saying {@code doing}.
     */
    private static RuntimeException storageFailure(String bucket, SdkException e, String doing) {
        if (e instanceof S3Exception s3 && (isNoSuchBucket(s3) || s3.statusCode() == 403)) {
            return unavailable(bucket, s3);
        }
        if (unreachable(e)) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new StorageUnavailableException(
                    "S3 storage is unavailable: the endpoint of bucket '" + bucket + "' cannot be reached (setting"
                            + " s3_endpoint): " + root.getMessage(),
                    e);
        }
        return new UncheckedIOException(doing + ": " + describe(e), new IOException(e));
    }

    /** Whether no S3 server answered at all: nothing listens there, or its name does not resolve. */
    private static boolean unreachable(SdkException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static StorageUnavailableException unavailable(String bucket, S3Exception e) {
        String why = isNoSuchBucket(e)
                ? "does not exist"
                : "refuses the credentials this service uses (settings s3_access_key and s3_secret_key, or the AWS"
                        + " default credentials)";
        return new StorageUnavailableException(
                "S3 storage is unavailable: bucket '" + bucket + "' " + why + " (" + describe(e) + ")", e);
    }

    private TaskFailedException tooLarge(URI input, String detail) {
        return new TaskFailedException(
                ErrorCode.INPUT_TOO_LARGE,
                "the input " + input + " " + detail + ", more than the limit of " + config.maxInputBytes()
                        + " bytes (setting max_input_bytes)");
    }

    private static TaskFailedException notFound(URI input) {
        return new TaskFailedException(ErrorCode.INPUT_NOT_FOUND, "the input " + input + " does not exist");
    }

    private static TaskFailedException fetchFailed(URI input, String detail, Throwable cause) {
        return new TaskFailedException(
                ErrorCode.INPUT_FETCH_FAILED, "downloading " + input + " failed: " + detail, null, cause);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", p, e.toString());
        }
    }
}
