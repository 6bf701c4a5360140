package io.nommer.storage;

import io.nommer.core.encode.EncodeException;
import io.nommer.core.encode.ErrorCode;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.http.HttpInputFetcher;
import io.nommer.storage.local.LocalStorage;
import io.nommer.storage.local.LocalStorageConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The service's storage, routed by URI scheme: {@code upload:} and {@code file:} to {@link LocalStorage} (used in
 * place), {@code http:}/{@code https:} inputs to {@link HttpInputFetcher} (downloaded into the task's folder).
 * {@code s3:} is refused for now with a message that says so; other schemes are refused.
 */
public final class Storages implements InputFetcher, OutputPublisher, AutoCloseable {
    static final String S3_NOT_AVAILABLE = "S3 storage is not available yet in this version of nommer";

    private final LocalStorage local;
    private final HttpInputFetcher http;

    public Storages(LocalStorage local, HttpInputFetcher http) {
        this.local = local;
        this.http = http;
    }

    /** @throws java.io.UncheckedIOException when the data folder cannot be created */
    public static Storages create(LocalStorageConfig localConfig, HttpFetchConfig httpConfig) {
        return new Storages(new LocalStorage(localConfig), new HttpInputFetcher(httpConfig));
    }

    /** For uploads and serving stored files back through the API. */
    public LocalStorage local() {
        return local;
    }

    @Override
    public LocalInput fetch(URI input, Path workDir) {
        return switch (scheme(input)) {
            case "upload", "file" -> local.fetch(input, workDir);
            case "http", "https" -> http.fetch(input, workDir);
            case "s3" -> throw new EncodeException(ErrorCode.INPUT_FORBIDDEN, S3_NOT_AVAILABLE);
            default -> throw new EncodeException(ErrorCode.INPUT_FORBIDDEN, unsupportedInput(input));
        };
    }

    @Override
    public void checkAcceptable(URI input) {
        switch (scheme(input)) {
            case "upload", "file" -> local.checkAcceptable(input);
            case "http", "https" -> http.checkAcceptable(input);
            case "s3" -> throw new IllegalArgumentException(S3_NOT_AVAILABLE);
            default -> throw new IllegalArgumentException(unsupportedInput(input));
        }
    }

    @Override
    public URI publish(Path file, URI folder, String name) {
        return switch (scheme(folder)) {
            case "file" -> local.publish(file, folder, name);
            case "s3" -> throw new IllegalArgumentException(S3_NOT_AVAILABLE);
            default -> throw new IllegalArgumentException(unsupportedDestination(folder));
        };
    }

    @Override
    public URI defaultFolder(String jobId, String outputName) {
        return local.defaultFolder(jobId, outputName);
    }

    @Override
    public void checkWritable(URI folder) {
        switch (scheme(folder)) {
            case "file" -> local.checkWritable(folder);
            case "s3" -> throw new IllegalArgumentException(S3_NOT_AVAILABLE);
            default -> throw new IllegalArgumentException(unsupportedDestination(folder));
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static String unsupportedInput(URI input) {
        return input.getScheme() == null
                ? "the input must be a URI with a scheme: upload:, file:, http: or https:"
                : "inputs cannot be read from '" + input.getScheme() + ":' URIs; use upload:, file:, http: or https:";
    }

    private static String unsupportedDestination(URI folder) {
        return folder.getScheme() == null
                ? "the destination must be a folder URI with a scheme, e.g. file:///srv/media/out/"
                : "outputs cannot be written to '" + folder.getScheme() + ":' URIs; use file:";
    }
}
