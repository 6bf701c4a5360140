package io.nommer.core.service;

import io.nommer.core.auth.Principal;
import io.nommer.core.storage.EmptyUploadException;
import io.nommer.core.storage.Upload;
import io.nommer.core.storage.UploadOwners;
import io.nommer.core.storage.UploadStore;
import io.nommer.core.storage.UploadTooLargeException;
import java.io.InputStream;

/** Uploads as the API offers them: source files stored until a job names them. */
public final class UploadService {
    private final UploadStore uploads;
    private final long maxBytes;
    private final UploadOwners owners;

    /** @param maxBytes the largest upload (setting {@code max_upload_bytes}) */
    public UploadService(UploadStore uploads, long maxBytes) {
        this(uploads, maxBytes, null);
    }

    /** @param owners where who stored each upload is recorded, or null not to record it */
    public UploadService(UploadStore uploads, long maxBytes, UploadOwners owners) {
        this.uploads = uploads;
        this.maxBytes = maxBytes;
        this.owners = owners;
    }

    /**
     * Stores an upload.
     *
     * @param declaredLength the length the client declared, or -1 when it streams without one
     * @throws TooLargeException {@code upload_too_large}, before reading when the declared length says so
     * @throws BadRequestException {@code empty_upload}
     */
    public Upload store(InputStream body, long declaredLength, String filename, Principal principal) {
        if (declaredLength > maxBytes) {
            throw new TooLargeException(
                    "upload_too_large",
                    "the upload is " + declaredLength + " bytes; the limit is " + maxBytes
                            + " (setting max_upload_bytes)");
        }
        if (declaredLength == 0) {
            throw empty();
        }
        Upload upload;
        try {
            upload = uploads.storeUpload(body, maxBytes, filename);
        } catch (UploadTooLargeException e) {
            throw new TooLargeException(
                    "upload_too_large",
                    "the upload exceeds the limit of " + maxBytes + " bytes (setting max_upload_bytes)");
        } catch (EmptyUploadException e) {
            throw empty();
        }
        if (owners != null) {
            owners.record(upload.id(), principal.tenant(), upload.size());
        }
        return upload;
    }

    private static BadRequestException empty() {
        return new BadRequestException("empty_upload", "the upload is empty; send the file's bytes as the body");
    }
}
