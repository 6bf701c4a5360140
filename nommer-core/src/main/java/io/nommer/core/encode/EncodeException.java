package io.nommer.core.encode;

/** Why producing an output failed, with a stable code and, for ffmpeg failures, the tail of its log. */
public class EncodeException extends RuntimeException {
    private final ErrorCode code;
    private final String logTail;

    public EncodeException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public EncodeException(ErrorCode code, String message, String logTail, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.logTail = logTail;
    }

    public ErrorCode code() {
        return code;
    }

    /** The last lines ffmpeg printed, or null. */
    public String logTail() {
        return logTail;
    }
}
