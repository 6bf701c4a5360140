package io.nommer.core.job;

/**
 * A published file of an output.
 *
 * @param name the file's name within the output, e.g. {@code clip.mp4} or {@code thumbs_03.jpg}
 * @param uri where it was published ({@code file:}, later {@code s3:})
 * @param role {@code video}, {@code audio} or {@code thumbnail}
 * @param duration seconds, from ffprobe of the published file; null for stills
 */
public record OutputFile(
        String name, String uri, long size, String role, Double duration, Integer width, Integer height) {}
