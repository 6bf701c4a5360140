package io.nommer.core.encode;

import io.nommer.core.encode.noop.NullEncoder;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;

/**
 * Produces one output (media-nommer's "Nommer"). ffmpeg is the first implementation; others plug in through an
 * {@link EncoderProvider}, which the {@code encoder} setting selects by name.
 *
 * <p>The files an encode returns are in the request's {@link EncodeRequest#outDir() outDir}, each with one of the
 * roles {@link PlannedFile} lists; the worker publishes them in that order. Files of the roles {@code video},
 * {@code audio} and {@code thumbnail} are probed with ffprobe first (what the job reports of them is measured).
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
