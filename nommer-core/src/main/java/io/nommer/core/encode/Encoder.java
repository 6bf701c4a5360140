package io.nommer.core.encode;

import io.nommer.core.encode.noop.NullEncoder;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;

/**
 * Produces one output (media-nommer's "Nommer"). ffmpeg is the first implementation; others plug in here.
 *
 * <p>Implementations stop promptly, killing any process they started, when {@code cancel} fires, when the request's
 * timeout passes, and when the JVM shuts down.
 */
public interface Encoder {
    /**
     * @throws TaskFailedException with a stable code: {@link ErrorCode#ENCODE_FAILED} (with the log tail),
     *     {@link ErrorCode#ENCODE_TIMEOUT}, or a stream error found while planning
     * @throws java.util.concurrent.CancellationException when {@code cancel} fired
     */
    EncodeResult encode(EncodeRequest request, ProgressListener progress, Cancellation cancel);

    /**
     * Whether the encoder reads the input. When false ({@link NullEncoder}) the worker neither fetches nor probes it,
     * the request's input fields are null, and tasks are claimed and completed in batches.
     */
    default boolean needsInput() {
        return true;
    }
}
