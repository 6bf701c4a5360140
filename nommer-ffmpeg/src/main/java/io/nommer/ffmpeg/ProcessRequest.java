package io.nommer.ffmpeg;

import io.nommer.core.encode.Cancellation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A process to run.
 *
 * <p>{@code workDir}, {@code readable} and {@code writable} are everything of the file system the process needs beyond
 * the system's own files: a sandboxing runner ({@link ConfinedProcessRunner}) shows it exactly these, and nothing else
 * of the host. A path left out is missing inside the sandbox, so forgetting one fails the run; it never widens it.
 *
 * @param command the binary followed by its arguments
 * @param workDir the working directory (writable), or null to inherit (the sandbox then starts in {@code /})
 * @param timeout wall-clock limit; null for none
 * @param stdout receives each line of standard output, on a reader thread
 * @param stderr receives each line of standard error, on another reader thread
 * @param cancel kills the process when it fires; null when the run cannot be cancelled
 * @param readable files or directories the process reads (its inputs), shown read-only
 * @param writable directories the process writes into besides {@code workDir}
 */
public record ProcessRequest(
        List<String> command,
        Path workDir,
        Duration timeout,
        Consumer<String> stdout,
        Consumer<String> stderr,
        Cancellation cancel,
        List<Path> readable,
        List<Path> writable) {
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
        readable = absolute(readable);
        writable = absolute(writable);
        workDir = workDir == null ? null : workDir.toAbsolutePath().normalize();
    }

    /** A run that reads and writes no file but in {@code workDir}. */
    public ProcessRequest(
            List<String> command,
            Path workDir,
            Duration timeout,
            Consumer<String> stdout,
            Consumer<String> stderr,
            Cancellation cancel) {
        this(command, workDir, timeout, stdout, stderr, cancel, List.of(), List.of());
    }

    /** A run with no line consumers, no working directory and no cancellation. */
    public static ProcessRequest of(List<String> command, Duration timeout) {
        return new ProcessRequest(command, null, timeout, null, null, null);
    }

    /** This request, also reading {@code paths} (null entries are skipped). */
    public ProcessRequest reading(List<Path> paths) {
        List<Path> all = new ArrayList<>(readable);
        paths.stream().filter(Objects::nonNull).forEach(all::add);
        return new ProcessRequest(command, workDir, timeout, stdout, stderr, cancel, all, writable);
    }

    /** This request, also writing into the directories {@code paths} (null entries are skipped). */
    public ProcessRequest writing(List<Path> paths) {
        List<Path> all = new ArrayList<>(writable);
        paths.stream().filter(Objects::nonNull).forEach(all::add);
        return new ProcessRequest(command, workDir, timeout, stdout, stderr, cancel, readable, all);
    }

    /** This request running {@code other} instead of its command: same directory, paths, consumers and limits. */
    ProcessRequest withCommand(List<String> other) {
        return new ProcessRequest(other, workDir, timeout, stdout, stderr, cancel, readable, writable);
    }

    private static List<Path> absolute(List<Path> paths) {
        if (paths == null) {
            return List.of();
        }
        return paths.stream()
                .map(p -> p.toAbsolutePath().normalize())
                .distinct()
                .toList();
    }
}
