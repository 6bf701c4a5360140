package io.nommer.core.compile;

import java.util.List;

/**
 * One ffmpeg invocation as a value: the arguments after the binary's name. Never joined into a shell string.
 *
 * @param label what this run does, for the timeline and logs ({@code encode}, {@code pass 1 of 2}, ...)
 * @param weight this run's share of the whole plan's work, relative to the other runs', for overall progress: a
 *     {@code -c copy} packaging run is a sliver of an encode
 */
public record FfmpegCommand(String label, List<String> args, double weight) {
    public FfmpegCommand {
        args = List.copyOf(args);
        if (!(weight > 0)) {
            throw new IllegalArgumentException("weight must be positive: " + weight);
        }
    }

    /** A run weighing as much as any other. */
    public FfmpegCommand(String label, List<String> args) {
        this(label, args, 1);
    }
}
