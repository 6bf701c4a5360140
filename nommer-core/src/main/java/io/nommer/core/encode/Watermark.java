package io.nommer.core.encode;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The picture an output's {@code watermark_url} names, fetched and probed by the worker: what the compiler needs to
 * draw it without reading it.
 *
 * @param file the local image file
 * @param demuxer the demuxer the probe recognised it with ({@code png_pipe} or {@code jpeg_pipe}), forced with
 *     {@code -f} like the input's
 * @param width the image's width in pixels
 * @param height the image's height in pixels
 */
public record Watermark(Path file, String demuxer, int width, int height) {
    /** Largest watermark file a worker accepts: a logo, not a film (a documented constant, not a setting). */
    public static final long MAX_BYTES = 10L * 1024 * 1024;
    /** Largest width and height of a watermark image, in pixels. */
    public static final int MAX_SIDE = 4096;

    public Watermark {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(demuxer, "demuxer");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("watermark size must be positive: " + width + "x" + height);
        }
    }
}
