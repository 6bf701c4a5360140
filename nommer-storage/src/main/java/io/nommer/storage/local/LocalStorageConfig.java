package io.nommer.storage.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where local storage lives and which {@code file:} paths jobs may use.
 *
 * @param dataDir the service's own folder: uploads and default outputs go here
 * @param inputRoots folders under which {@code file:} inputs may be read; empty disables {@code file:} inputs
 * @param outputRoots folders under which {@code file:} destinations may be written, in addition to
 *     {@code dataDir/outputs}
 * @param maxInputBytes the largest {@code file:} or upload input a task will read
 * @param maxUploadBytes the largest upload accepted through the API
 */
public record LocalStorageConfig(
        Path dataDir, List<Path> inputRoots, List<Path> outputRoots, long maxInputBytes, long maxUploadBytes) {

    public static final Path DEFAULT_DATA_DIR = Path.of("nommer-data");
    public static final long DEFAULT_MAX_INPUT_BYTES = 50L * 1024 * 1024 * 1024;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024 * 1024;

    public LocalStorageConfig {
        Objects.requireNonNull(dataDir, "dataDir must be set");
        dataDir = dataDir.toAbsolutePath().normalize();
        inputRoots = absolute(inputRoots, "inputRoots");
        outputRoots = absolute(outputRoots, "outputRoots");
        if (maxInputBytes <= 0) {
            throw new IllegalArgumentException("maxInputBytes must be positive, not " + maxInputBytes);
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("maxUploadBytes must be positive, not " + maxUploadBytes);
        }
    }

    /** The embedded default: {@code ./nommer-data}, no {@code file:} roots. */
    public static LocalStorageConfig defaults() {
        return of(DEFAULT_DATA_DIR);
    }

    /** Default limits and no {@code file:} roots, with the given data folder. */
    public static LocalStorageConfig of(Path dataDir) {
        return new LocalStorageConfig(dataDir, List.of(), List.of(), DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_UPLOAD_BYTES);
    }

    public LocalStorageConfig withInputRoots(List<Path> roots) {
        return new LocalStorageConfig(dataDir, roots, outputRoots, maxInputBytes, maxUploadBytes);
    }

    public LocalStorageConfig withOutputRoots(List<Path> roots) {
        return new LocalStorageConfig(dataDir, inputRoots, roots, maxInputBytes, maxUploadBytes);
    }

    public LocalStorageConfig withMaxInputBytes(long bytes) {
        return new LocalStorageConfig(dataDir, inputRoots, outputRoots, bytes, maxUploadBytes);
    }

    public LocalStorageConfig withMaxUploadBytes(long bytes) {
        return new LocalStorageConfig(dataDir, inputRoots, outputRoots, maxInputBytes, bytes);
    }

    private static List<Path> absolute(List<Path> roots, String setting) {
        if (roots == null) {
            throw new IllegalArgumentException(setting + " must be a list (possibly empty), not null");
        }
        for (Path p : roots) {
            if (p == null) {
                throw new IllegalArgumentException(setting + " must not contain null entries");
            }
        }
        return roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }
}
