package io.nommer.core.service;

import io.nommer.core.auth.Principal;
import io.nommer.core.retention.RetentionStore;
import io.nommer.core.storage.EmptyUploadException;
import io.nommer.core.storage.Upload;
import io.nommer.core.storage.UploadOwners;
import io.nommer.core.storage.UploadStore;
import io.nommer.core.storage.UploadTooLargeException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;

/** Uploads as the API offers them: source files stored until a job names them, and deleted when no job needs them. */
public final class UploadService {
    private final UploadStore uploads;
    private final long maxBytes;
    private final UploadOwners owners;
    private final TenantService tenants;
    private final RetentionStore retention;

    /** @param maxBytes the largest upload (setting {@code max_upload_bytes}) */
    public UploadService(UploadStore uploads, long maxBytes) {
        this(uploads, maxBytes, null, null, null);
    }

    /**
     * @param owners where who stored each upload is recorded, or null not to record it
     * @param tenants holds each tenant to its {@code max_uploads_per_day} and {@code max_input_bytes}; null: none
     * @param retention what tells whether a job uses an upload and forgets deleted ones; null where uploads are never
     *     deleted ({@link #delete} refuses)
     */
    public UploadService(
            UploadStore uploads, long maxBytes, UploadOwners owners, TenantService tenants, RetentionStore retention) {
        this.uploads = uploads;
        this.maxBytes = maxBytes;
        this.owners = owners;
        this.tenants = tenants;
        this.retention = retention;
    }

    /**
     * Stores an upload.
     *
     * @param declaredLength the length the client declared, or -1 when it streams without one
     * @throws TooLargeException {@code upload_too_large}, before reading when the declared length says so: past
     *     {@code max_upload_bytes}, or past the tenant's {@code max_input_bytes} (it could never be an input)
     * @throws BadRequestException {@code empty_upload}
     * @throws TooManyRequestsException {@code tenant_upload_quota} when the tenant has used its uploads of the day
     */
    public Upload store(InputStream body, long declaredLength, String filename, Principal principal) {
        long limit = maxBytes;
        String setting = "setting max_upload_bytes";
        if (tenants != null) {
            long tenantLimit = tenants.admitUpload(principal.tenant());
            if (tenantLimit < limit) {
                limit = tenantLimit;
                setting = "tenant " + principal.tenant() + "'s max_input_bytes";
            }
        }
        if (declaredLength > limit) {
            throw new TooLargeException(
                    "upload_too_large",
                    "the upload is " + declaredLength + " bytes; the limit is " + limit + " (" + setting + ")");
        }
        if (declaredLength == 0) {
            throw empty();
        }
        Upload upload;
        try {
            upload = uploads.storeUpload(body, limit, filename);
        } catch (UploadTooLargeException e) {
            throw new TooLargeException(
                    "upload_too_large", "the upload exceeds the limit of " + limit + " bytes (" + setting + ")");
        } catch (EmptyUploadException e) {
            throw empty();
        }
        if (owners != null) {
            owners.record(upload.id(), principal.tenant(), upload.size());
        }
        return upload;
    }

    /**
     * Deletes an upload: its stored object, then its record.
     *
     * @throws NotFoundException when there is no such upload, or it is another tenant's
     * @throws ConflictException {@code upload_in_use} while a queued or running job names it as its input or watermark
     */
    public void delete(String uploadId, Principal principal) {
        if (owners == null || retention == null) {
            throw new IllegalStateException("this service was made without a store to delete uploads from");
        }
        // why: an upload from before owners were recorded has no record either; neither this nor retention finds it
        String owner = owners.owner(uploadId).orElse(null);
        if (owner == null || !principal.sees(owner)) {
            throw new NotFoundException("upload " + uploadId);
        }
        List<URI> uris = uploads.uris(uploadId);
        if (!retention.inUse(uris.stream().map(URI::toString).toList()).isEmpty()) {
            throw new ConflictException(
                    "upload_in_use",
                    "upload " + uploadId + " is named by a queued or running job; delete it once that job has "
                            + "finished, or cancel the job first");
        }
        uploads.deleteUpload(uploadId);
        retention.deleteUpload(uploadId);
    }

    private static BadRequestException empty() {
        return new BadRequestException("empty_upload", "the upload is empty; send the file's bytes as the body");
    }
}
