package io.nommer.core.failure;

/**
 * Stable machine-readable reasons a task fails. The wire form ({@link #code()}) never changes once released.
 */
public enum ErrorCode {
    INPUT_NOT_FOUND(false),
    INPUT_FORBIDDEN(false),
    INPUT_TOO_LARGE(false),
    INPUT_EMPTY(false),
    /** A network or storage error while fetching; worth another attempt. */
    INPUT_FETCH_FAILED(true),
    /**
     * The input arrived slower than the minimum transfer rate; worth another attempt (the network may recover), and
     * each attempt is bounded by the rate's window, not the download's whole deadline.
     */
    INPUT_TOO_SLOW(true),
    NOT_MEDIA(false),
    /** The output's watermark_url names nothing (no such upload, file, object, or HTTP 404). */
    WATERMARK_NOT_FOUND(false),
    /** The watermark may not be read: outside the allowed roots, a refused network address, or access denied. */
    WATERMARK_FORBIDDEN(false),
    /** The watermark is larger than {@code Watermark.MAX_BYTES} bytes or {@code Watermark.MAX_SIDE} pixels a side. */
    WATERMARK_TOO_LARGE(false),
    /** The watermark is not a PNG or JPEG image (or is empty). */
    WATERMARK_NOT_IMAGE(false),
    /** A network or storage error while fetching the watermark; worth another attempt. */
    WATERMARK_FETCH_FAILED(true),
    INPUT_LIMITS_EXCEEDED(false),
    /** The input is larger, longer or has more pixels per frame than its tenant's limits allow. */
    TENANT_INPUT_LIMIT_EXCEEDED(false),
    NO_VIDEO_STREAM(false),
    NO_AUDIO_STREAM(false),
    UNKNOWN_DURATION(false),
    INVALID_PROFILE(false),
    /** A stored profile's custom command breaks the allowlist as it stands when the task runs. */
    COMMAND_NOT_ALLOWED(false),
    /** The profile's clip_offset is at or past the end of the input. */
    CLIP_OUTSIDE_INPUT(false),
    ENCODE_FAILED(false),
    ENCODE_TIMEOUT(false),
    /** An ffmpeg or ffprobe process used the CPU time it may use (setting {@code encode_cpu_seconds}) and was stopped. */
    CPU_LIMIT_EXCEEDED(false),
    /** An ffmpeg or ffprobe process ran out of the memory it may map (setting {@code encode_memory_bytes}). */
    MEMORY_LIMIT_EXCEEDED(false),
    OUTPUT_FAILED(true),
    /**
     * The storage itself cannot be used: its bucket does not exist or refuses the service's credentials. Retryable:
     * the cause may be one worker's configuration, and another worker's attempt may succeed.
     */
    STORAGE_UNAVAILABLE(true),
    /**
     * The worker's disk filled up (its work directory, or the store beside it); retryable: the attempt's files are
     * deleted first, and another attempt, here or on another worker, may find room.
     */
    WORKER_DISK_FULL(true),
    LEASE_EXPIRED(false),
    /** A rendition of a ladder spread over workers failed, so its output cannot be packaged. */
    PART_FAILED(false),
    INTERNAL(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether another attempt may succeed where this one failed (transient faults), up to the task's limit. */
    public boolean retryable() {
        return retryable;
    }
}
