package io.nommer.core.storage;

import java.net.URI;
import java.nio.file.Path;

/**
 * Publishes finished files. A target is never visible half-written: files go to a temporary name and are moved into
 * place atomically (or a multipart upload is completed). Publishing the same target again replaces it whole.
 */
public interface OutputPublisher {
    /**
     * @param folder a folder URI ending in {@code /}
     * @param name the file name inside it
     * @return the published file's URI
     * @throws StorageUnavailableException when the storage as a whole cannot be used (a bucket that does not exist or
     *     refuses the service's credentials)
     * @throws java.io.UncheckedIOException when the storage fails otherwise
     */
    URI publish(Path file, URI folder, String name);

    /**
     * Copies a file this service published into its own storage (see {@link #defaultFolder}) to {@code target}.
     *
     * @throws java.io.UncheckedIOException when it cannot be read, or is gone
     */
    void copyToLocal(URI published, Path target);

    /**
     * Deletes a file this service published into its own storage (intermediates it no longer needs); does nothing
     * when the file is already gone.
     *
     * @throws IllegalArgumentException for a URI outside the service's own storage
     * @throws java.io.UncheckedIOException when the storage fails
     */
    void delete(URI published);

    /** The folder for an output with no destination: in the service's own storage, deterministic per job and output. */
    URI defaultFolder(String jobId, String outputName);

    /**
     * Checks at submission time that {@code folder} is a destination this service may write.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    void checkWritable(URI folder);
}
