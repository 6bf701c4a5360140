package io.nommer.ffmpeg;

import io.nommer.core.encode.Cancellation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A process to run.
 *
 * @param command the binary followed by its arguments
 * @param workDir the working directory, or null to inherit
 * @param timeout wall-clock limit; null for none
 * @param stdout receives each line of standard output, on a reader thread
 * @param stderr receives each line of standard error, on another reader thread
 * @param cancel kills the process when it fires; null when the run cannot be cancelled
 */
public record ProcessRequest(
        List<String> command,
        Path workDir,
        Duration timeout,
        Consumer<String> stdout,
        Consumer<String> stderr,
        Cancellation cancel) {
    private static final Consumer<String> IGNORE = line -> {};

    public ProcessRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name a binary");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        stdout = Objects.requireNonNullElse(stdout, IGNORE);
        stderr = Objects.requireNonNullElse(stderr, IGNORE);
    }

    /** A run with no line consumers, no working directory and no cancellation. */
    public static ProcessRequest of(List<String> command, Duration timeout) {
        return new ProcessRequest(command, null, timeout, null, null, null);
    }
}
