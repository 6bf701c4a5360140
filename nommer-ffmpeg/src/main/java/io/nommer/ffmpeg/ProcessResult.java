package io.nommer.ffmpeg;

import java.time.Duration;
import java.util.List;

/**
 * How a process ended.
 *
 * @param exitCode the exit status (for a killed process, whatever the OS reported)
 * @param timedOut killed because the request's timeout passed
 * @param cancelled killed because the request's cancellation fired
 * @param stderrTail the last lines of standard error, oldest first
 * @param elapsed wall-clock time from start to exit
 * @param limitExceeded the resource limit that stopped the process ({@link ProcessLimits}), or null
 */
public record ProcessResult(
        int exitCode,
        boolean timedOut,
        boolean cancelled,
        List<String> stderrTail,
        Duration elapsed,
        ProcessLimits.Exceeded limitExceeded) {
    public ProcessResult {
        stderrTail = List.copyOf(stderrTail);
    }

    /** A process no resource limit stopped. */
    public ProcessResult(int exitCode, boolean timedOut, boolean cancelled, List<String> stderrTail, Duration elapsed) {
        this(exitCode, timedOut, cancelled, stderrTail, elapsed, null);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !cancelled && limitExceeded == null;
    }

    /** The stderr tail as one string, for exception messages and task logs. */
    public String stderrText() {
        return String.join("\n", stderrTail);
    }

    ProcessResult withLimitExceeded(ProcessLimits.Exceeded limit) {
        return new ProcessResult(exitCode, timedOut, cancelled, stderrTail, elapsed, limit);
    }
}
