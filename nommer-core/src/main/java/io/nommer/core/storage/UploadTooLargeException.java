package io.nommer.core.storage;

/** The upload's body went past the limit; nothing was stored. */
public class UploadTooLargeException extends UploadRejectedException {
    private final long maxBytes;

    public UploadTooLargeException(long maxBytes) {
        super("the upload is larger than the limit of " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
