package io.nommer.core.failure;

/** Why producing an output failed, with a stable code and, for ffmpeg failures, the tail of its log. */
public class TaskFailedException extends RuntimeException {
    private final ErrorCode code;
    private final String logTail;

    public TaskFailedException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public TaskFailedException(ErrorCode code, String message, String logTail, Throwable cause) {
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
