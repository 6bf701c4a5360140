package io.nommer.core.storage;

import java.io.InputStream;

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
}
