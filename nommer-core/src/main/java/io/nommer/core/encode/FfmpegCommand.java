package io.nommer.core.encode;

import java.util.List;

/**
 * One ffmpeg invocation as a value: the arguments after the binary's name. Never joined into a shell string.
 *
 * @param label what this run does, for the timeline and logs ({@code encode}, {@code pass 1 of 2}, ...)
 */
public record FfmpegCommand(String label, List<String> args) {
    public FfmpegCommand {
        args = List.copyOf(args);
    }
}
