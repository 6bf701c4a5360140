package io.nommer.core.encode;

import java.time.Duration;

/**
 * What a worker knows that an {@link EncoderProvider} may need to create its encoder: the settings that concern
 * encoding, not the whole configuration.
 *
 * @param ffmpeg the {@code ffmpeg} setting as given: a path, a name looked up on {@code PATH}, or null for
 *     {@code ffmpeg} on {@code PATH}
 * @param ffprobe the {@code ffprobe} setting likewise
 * @param maxInputPixels the most pixels an input frame may have; the worker refuses larger inputs after probing them,
 *     and an encoder that decodes should refuse to decode a larger frame too
 * @param pausePerTask the {@code null_encoder_pause_ms} setting: how long each task takes with an encoder that only
 *     simulates work (the null encoder); zero for at once. Other encoders ignore it
 */
public record EncoderContext(String ffmpeg, String ffprobe, long maxInputPixels, Duration pausePerTask) {
    public EncoderContext {
        if (maxInputPixels <= 0) {
            throw new IllegalArgumentException("maxInputPixels must be positive, not " + maxInputPixels);
        }
        pausePerTask = pausePerTask == null ? Duration.ZERO : pausePerTask;
        if (pausePerTask.isNegative()) {
            throw new IllegalArgumentException("the pause per task cannot be negative, not " + pausePerTask);
        }
    }
}
