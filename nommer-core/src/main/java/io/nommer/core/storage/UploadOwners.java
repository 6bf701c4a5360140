package io.nommer.core.storage;

import java.util.Optional;

/** Which tenant stored each upload, so that only that tenant can name it as an input. */
public interface UploadOwners {
    void record(String uploadId, String tenant, long size);

    /** The tenant that stored the upload; empty for one stored before uploads had owners. */
    Optional<String> owner(String uploadId);
}
