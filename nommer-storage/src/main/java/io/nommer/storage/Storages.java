package io.nommer.storage;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.storage.Upload;
import io.nommer.core.storage.UploadStore;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.http.HttpInputFetcher;
import io.nommer.storage.local.LocalStorage;
import io.nommer.storage.local.LocalStorageConfig;
import io.nommer.storage.local.StoredFile;
import io.nommer.storage.s3.ObjectRead;
import io.nommer.storage.s3.S3Storage;
import io.nommer.storage.s3.S3StorageConfig;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The service's storage, routed by URI scheme: {@code upload:} and {@code file:} to {@link LocalStorage} (used in
 * place), {@code http:}/{@code https:} inputs to {@link HttpInputFetcher} (downloaded into the task's folder).
 * {@code s3:} to {@link S3Storage} when S3 is configured, else refused with a message that says so; other schemes
 * are refused. Outputs with no destination go to the {@link DefaultStorage} chosen at construction.
 */
public final class Storages implements InputFetcher, OutputPublisher, UploadStore, AutoCloseable {
    static final String S3_NOT_AVAILABLE = "S3 storage is not available yet in this version of nommer";

    /** Where outputs with no destination go ({@link #defaultFolder}). */
    public enum DefaultStorage {
        /** {@code <dataDir>/outputs/...}: one machine, or a shared file system */
        LOCAL,
        /** {@code s3://BUCKET/PREFIX/outputs/...}: needed when workers run on several machines */
        S3
    }

    private final LocalStorage local;
    private final HttpInputFetcher http;
    private final Optional<S3Storage> s3;
    private final DefaultStorage defaultStorage;

    /** Local files and http(s) inputs only; {@code s3:} is refused. */
    public Storages(LocalStorage local, HttpInputFetcher http) {
        this(local, http, Optional.empty(), DefaultStorage.LOCAL);
    }

    /** @throws IllegalArgumentException when {@code defaultStorage} is {@code S3} but no S3 storage is given */
    public Storages(LocalStorage local, HttpInputFetcher http, Optional<S3Storage> s3, DefaultStorage defaultStorage) {
        this.local = Objects.requireNonNull(local, "local");
        this.http = Objects.requireNonNull(http, "http");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.defaultStorage = Objects.requireNonNull(defaultStorage, "defaultStorage");
        if (defaultStorage == DefaultStorage.S3 && s3.isEmpty()) {
            throw new IllegalArgumentException("default outputs cannot go to S3: S3 storage is not configured");
        }
    }

    /** @throws java.io.UncheckedIOException when the data folder cannot be created */
    public static Storages create(LocalStorageConfig localConfig, HttpFetchConfig httpConfig) {
        return new Storages(new LocalStorage(localConfig), new HttpInputFetcher(httpConfig));
    }

    /**
     * With S3 when {@code s3Config} is present, which then also receives outputs with no destination (workers on
     * several machines share S3, not a local folder). Use {@link #create(LocalStorageConfig, HttpFetchConfig,
     * Optional, DefaultStorage)} to keep default outputs local.
     */
    public static Storages create(
            LocalStorageConfig localConfig, HttpFetchConfig httpConfig, Optional<S3StorageConfig> s3Config) {
        return create(
                localConfig, httpConfig, s3Config, s3Config.isPresent() ? DefaultStorage.S3 : DefaultStorage.LOCAL);
    }

    /**
     * @throws IllegalArgumentException when {@code defaultStorage} is {@code S3} but {@code s3Config} is empty
     * @throws java.io.UncheckedIOException when the data folder cannot be created
     */
    public static Storages create(
            LocalStorageConfig localConfig,
            HttpFetchConfig httpConfig,
            Optional<S3StorageConfig> s3Config,
            DefaultStorage defaultStorage) {
        if (defaultStorage == DefaultStorage.S3 && s3Config.isEmpty()) {
            throw new IllegalArgumentException("default outputs cannot go to S3: S3 storage is not configured");
        }
        return new Storages(
                new LocalStorage(localConfig),
                new HttpInputFetcher(httpConfig),
                s3Config.map(S3Storage::new),
                defaultStorage);
    }

    /** For uploads and serving stored files back through the API. */
    public LocalStorage local() {
        return local;
    }

    /** S3, when configured: for presigned download URLs. */
    public Optional<S3Storage> s3() {
        return s3;
    }

    public DefaultStorage defaultStorage() {
        return defaultStorage;
    }

    /**
     * Stores an upload where every worker can read it: in the bucket when S3 is the default storage (workers on other
     * machines cannot read this one's disk), else in local storage. The upload is complete on disk before it is
     * copied to S3, and the local copy is removed once S3 has it.
     *
     * @throws io.nommer.core.storage.UploadRejectedException when empty or larger than {@code maxBytes}
     * @throws java.io.UncheckedIOException when storing fails
     */
    @Override
    public Upload storeUpload(InputStream body, long maxBytes, String filenameHint) {
        Upload upload = local.storeUpload(body, maxBytes, filenameHint);
        if (defaultStorage != DefaultStorage.S3) {
            return upload;
        }
        S3Storage bucket = requireS3();
        try {
            Path file = local.fetch(upload.uri(), local.dataDir()).file();
            URI uri = bucket.publish(file, bucket.uploadsFolder(), upload.id());
            return new Upload(upload.id(), uri, upload.size());
        } finally {
            local.deleteUpload(upload.id());
        }
    }

    /** {@code upload:<id>}, and where S3 keeps uploads ({@code storage} set to S3), the object's URI in the bucket. */
    @Override
    public List<URI> uris(String uploadId) {
        URI local = LocalStorage.uploadUri(uploadId);
        return s3.isEmpty()
                ? List.of(local)
                : List.of(local, s3.get().uploadsFolder().resolve(uploadId));
    }

    /** Deletes the upload from local storage and, where S3 is configured, from the bucket's uploads folder. */
    @Override
    public void deleteUpload(String uploadId) {
        local.deleteUpload(uploadId);
        s3.ifPresent(bucket -> bucket.delete(bucket.uploadsFolder().resolve(uploadId)));
    }

    /**
     * Opens an upload or a published file ({@code upload:}, {@code file:} or {@code s3:}) to serve it back.
     *
     * @return empty when there is no such file
     * @throws IllegalArgumentException for a URI this service does not serve
     */
    public Optional<StoredFile> open(URI uri) {
        return switch (scheme(uri)) {
            case "s3" -> requireS3().open(uri);
            default -> local.open(uri);
        };
    }

    /**
     * Reads an object in S3 for an HTTP client, with its byte range and conditional request (see
     * {@link S3Storage#read}).
     *
     * @return empty when there is no such object
     * @throws IllegalArgumentException for a URI that is not an allowed S3 object, or when S3 is not configured
     */
    public Optional<ObjectRead> readS3(URI uri, ObjectRead.Conditions conditions) {
        return requireS3().read(uri, conditions);
    }

    /**
     * Where a file the service stores locally is on this machine (to serve it with byte ranges); empty for a file in
     * S3 or one that does not exist.
     */
    public Optional<Path> localFile(URI uri) {
        return "s3".equals(scheme(uri)) ? Optional.empty() : local.localFile(uri);
    }

    private S3Storage requireS3() {
        return s3.orElseThrow(() -> new IllegalArgumentException(S3_NOT_AVAILABLE));
    }

    @Override
    public LocalInput fetch(URI input, Path workDir) {
        return switch (scheme(input)) {
            case "upload", "file" -> local.fetch(input, workDir);
            case "http", "https" -> http.fetch(input, workDir);
            case "s3" ->
                s3.orElseThrow(() -> new TaskFailedException(ErrorCode.INPUT_FORBIDDEN, S3_NOT_AVAILABLE))
                        .fetch(input, workDir);
            default -> throw new TaskFailedException(ErrorCode.INPUT_FORBIDDEN, unsupportedInput(input));
        };
    }

    @Override
    public void checkAcceptable(URI input) {
        switch (scheme(input)) {
            case "upload", "file" -> local.checkAcceptable(input);
            case "http", "https" -> http.checkAcceptable(input);
            case "s3" -> requireS3().checkAcceptable(input);
            default -> throw new IllegalArgumentException(unsupportedInput(input));
        }
    }

    @Override
    public URI publish(Path file, URI folder, String name) {
        return switch (scheme(folder)) {
            case "file" -> local.publish(file, folder, name);
            case "s3" -> requireS3().publish(file, folder, name);
            default -> throw new IllegalArgumentException(unsupportedDestination(folder));
        };
    }

    @Override
    public void copyToLocal(URI published, Path target) {
        StoredFile.copy(open(published), published, target);
    }

    @Override
    public void delete(URI published) {
        switch (scheme(published)) {
            case "s3" -> requireS3().delete(published);
            default -> local.delete(published);
        }
    }

    @Override
    public URI defaultFolder(String jobId, String outputName) {
        return defaultStorage == DefaultStorage.S3
                ? requireS3().defaultFolder(jobId, outputName)
                : local.defaultFolder(jobId, outputName);
    }

    @Override
    public void checkWritable(URI folder) {
        switch (scheme(folder)) {
            case "file" -> local.checkWritable(folder);
            case "s3" -> requireS3().checkWritable(folder);
            default -> throw new IllegalArgumentException(unsupportedDestination(folder));
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } finally {
            s3.ifPresent(S3Storage::close);
        }
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private String unsupportedInput(URI input) {
        String schemes = s3.isPresent() ? "upload:, file:, s3:, http: or https:" : "upload:, file:, http: or https:";
        return input.getScheme() == null
                ? "the input must be a URI with a scheme: " + schemes
                : "inputs cannot be read from '" + input.getScheme() + ":' URIs; use " + schemes;
    }

    private String unsupportedDestination(URI folder) {
        return folder.getScheme() == null
                ? "the destination must be a folder URI with a scheme, e.g. file:///srv/media/out/"
                : "outputs cannot be written to '" + folder.getScheme() + ":' URIs; use "
                        + (s3.isPresent() ? "file: or s3:" : "file:");
    }
}
