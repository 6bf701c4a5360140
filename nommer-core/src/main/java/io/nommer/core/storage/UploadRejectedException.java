package io.nommer.core.storage;

/** An upload the service will not store; the message is for the user. */
public class UploadRejectedException extends RuntimeException {
    public UploadRejectedException(String message) {
        super(message);
    }
}
