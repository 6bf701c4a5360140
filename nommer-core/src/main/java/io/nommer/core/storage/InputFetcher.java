package io.nommer.core.storage;

import java.net.URI;
import java.nio.file.Path;

/**
 * Makes a job's input available as a local file. Upload and {@code file:} inputs are used where they lie (read only);
 * {@code http(s):} inputs are downloaded by our code into {@code workDir}, never by ffmpeg.
 */
public interface InputFetcher {
    /**
     * @throws io.nommer.core.failure.TaskFailedException {@code input_not_found}, {@code input_forbidden} (outside the
     *     allowed roots or a refused network address), {@code input_too_large}, {@code input_empty},
     *     {@code storage_unavailable} ({@link StorageUnavailableException}: the storage holding the input cannot be
     *     used at all), or the retryable {@code input_fetch_failed}
     */
    LocalInput fetch(URI input, Path workDir);

    /**
     * Checks at submission time that {@code input} is a URI this service may read, without reading it.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    void checkAcceptable(URI input);
}
