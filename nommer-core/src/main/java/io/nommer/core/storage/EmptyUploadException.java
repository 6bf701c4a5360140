package io.nommer.core.storage;

/** The upload's body was empty; nothing was stored. */
public class EmptyUploadException extends UploadRejectedException {
    public EmptyUploadException() {
        super("the upload is empty: send the media file as the request body");
    }
}
