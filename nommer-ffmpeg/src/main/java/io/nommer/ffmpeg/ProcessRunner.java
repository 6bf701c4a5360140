package io.nommer.ffmpeg;

/**
 * The one seam between nommer and the processes it starts (ffmpeg, ffprobe). The command is a list of arguments, never
 * a shell string. Tests substitute a fake that replays recorded output.
 */
@FunctionalInterface
public interface ProcessRunner {
    /**
     * Runs the request's command to completion, or until it is cancelled or times out, in which case the process and
     * every descendant are killed before this returns.
     *
     * @return how it ended; a non-zero exit, a timeout or a cancellation is reported there, not thrown
     * @throws java.io.UncheckedIOException when the process cannot be started (binary missing, not executable)
     */
    ProcessResult run(ProcessRequest request);
}
