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
    private final TenantService tenants;

    /** @param maxBytes the largest upload (setting {@code max_upload_bytes}) */
    public UploadService(UploadStore uploads, long maxBytes) {
        this(uploads, maxBytes, null);
    }

    /** @param owners where who stored each upload is recorded, or null not to record it */
    public UploadService(UploadStore uploads, long maxBytes, UploadOwners owners) {
        this(uploads, maxBytes, owners, null);
    }

    /** @param tenants holds each tenant to its {@code max_uploads_per_day} and {@code max_input_bytes}; null: none */
    public UploadService(UploadStore uploads, long maxBytes, UploadOwners owners, TenantService tenants) {
        this.uploads = uploads;
        this.maxBytes = maxBytes;
        this.owners = owners;
        this.tenants = tenants;
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

    private static BadRequestException empty() {
        return new BadRequestException("empty_upload", "the upload is empty; send the file's bytes as the body");
    }
}
