package io.nommer.store;

/** A database failure, unchecked; the message names what was being done and to which job or task. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
