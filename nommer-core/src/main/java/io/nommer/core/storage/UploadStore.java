package io.nommer.core.storage;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

/** Where uploaded sources are kept until jobs name them as {@code upload:ID} inputs. */
public interface UploadStore {
    /**
     * Stores {@code body} as a new upload, reading at most {@code maxBytes}.
     *
     * @param filenameHint the client's name for the file (kept for its extension), or null
     * @throws UploadTooLargeException past {@code maxBytes} (nothing is kept)
     * @throws EmptyUploadException when the body is empty
     */
    Upload storeUpload(InputStream body, long maxBytes, String filenameHint);

    /**
     * Every URI a job may name the upload by as its input: {@code upload:<id>}, and its object's URI where uploads are
     * kept in other storage (S3).
     *
     * @throws IllegalArgumentException when {@code uploadId} is not an upload id
     */
    List<URI> uris(String uploadId);

    /**
     * Deletes the upload's stored object, wherever uploads are kept; does nothing when it is already gone.
     *
     * @throws IllegalArgumentException when {@code uploadId} is not an upload id
     * @throws StorageUnavailableException when the storage as a whole cannot be used
     * @throws java.io.UncheckedIOException when the storage fails otherwise
     */
    void deleteUpload(String uploadId);
}
