package io.nommer.core.storage;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;

/**
 * The storage as a whole cannot be used, whatever the file: the bucket does not exist, or it refuses the service's
 * credentials. An operator has to act. A task that meets it fails with {@code storage_unavailable}; the API answers a
 * request that meets it with 503 and the same code. The message names the bucket and the storage's own reason, never
 * credentials.
 */
public class StorageUnavailableException extends TaskFailedException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(ErrorCode.STORAGE_UNAVAILABLE, message, null, cause);
    }
}
