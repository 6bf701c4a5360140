package io.nommer.ffmpeg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs processes with {@link ProcessBuilder}, never through a shell. Standard output and standard error are each read
 * line by line on their own virtual thread (so neither pipe can fill and stall the process); the last
 * {@value #DEFAULT_TAIL_LINES} stderr lines are kept for the result. On timeout, cancellation or JVM shutdown the
 * process and its descendants are killed forcibly.
 */
public final class LocalProcessRunner implements ProcessRunner {
    public static final int DEFAULT_TAIL_LINES = 40;
    private static final Logger log = LoggerFactory.getLogger(LocalProcessRunner.class);
    // why: after a kill, give the readers a moment to drain what the process wrote before it died
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final int tailLines;

    public LocalProcessRunner() {
        this(DEFAULT_TAIL_LINES);
    }

    public LocalProcessRunner(int tailLines) {
        if (tailLines < 1) {
            throw new IllegalArgumentException("tailLines must be at least 1, not " + tailLines);
        }
        this.tailLines = tailLines;
    }

    /**
     * why: ffmpeg ignores a broken progress pipe, so when this JVM is killed with SIGKILL (no shutdown hook runs) it
     * would keep encoding for a task another worker has taken over. On Linux, util-linux's {@code setpriv} asks the
     * kernel to SIGKILL the process when the thread that started it dies, then execs it: no shell, same arguments.
     * Processes must therefore be started from a thread that lives as long as they should (the worker's slot threads).
     */
    static final List<String> PARENT_DEATH_PREFIX = parentDeathPrefix();

    private static List<String> parentDeathPrefix() {
        if (!System.getProperty("os.name", "")
                .toLowerCase(java.util.Locale.ROOT)
                .contains("linux")) {
            return List.of();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            java.nio.file.Path setpriv = java.nio.file.Path.of(dir, "setpriv");
            if (!java.nio.file.Files.isExecutable(setpriv)) {
                continue;
            }
            List<String> prefix = List.of(setpriv.toString(), "--pdeathsig", "KILL", "--");
            try {
                List<String> probe = new java.util.ArrayList<>(prefix);
                probe.add("true");
                Process p = new ProcessBuilder(probe)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return prefix;
                }
            } catch (IOException e) {
                log.debug("setpriv probe failed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.warn(
                "setpriv --pdeathsig is not available: if this JVM is killed with SIGKILL, ffmpeg processes it started "
                        + "keep running until they finish");
        return List.of();
    }

    static boolean executable(String program) {
        if (program.contains("/")) {
            return java.nio.file.Files.isExecutable(java.nio.file.Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ProcessResult run(ProcessRequest request) {
        if (!PARENT_DEATH_PREFIX.isEmpty() && !executable(request.command().getFirst())) {
            // setpriv would start and then fail to exec; report it as the start failure it is
            throw new UncheckedIOException(
                    "cannot start " + request.command().getFirst() + ": no such executable",
                    new IOException("No such file or not executable"));
        }
        List<String> command = new java.util.ArrayList<>(PARENT_DEATH_PREFIX);
        command.addAll(request.command());
        ProcessBuilder pb = new ProcessBuilder(command);
        if (request.workDir() != null) {
            pb.directory(request.workDir().toFile());
        }
        long started = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + request.command().getFirst() + ": " + e.getMessage(), e);
        }
        LiveProcesses.register(process);
        try {
            // why: nothing is ever fed to ffmpeg on stdin; an open pipe could make a tool wait for input
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("closing stdin of process {} failed: {}", process.pid(), e.toString());
        }
        LineTail tail = new LineTail(tailLines);
        AtomicBoolean cancelled = new AtomicBoolean();
        try {
            Thread out = reader(process.getInputStream(), request.stdout(), null, "stdout", process.pid());
            Thread err = reader(process.getErrorStream(), request.stderr(), tail, "stderr", process.pid());
            if (request.cancel() != null) {
                request.cancel().onCancel(() -> {
                    cancelled.set(true);
                    LiveProcesses.kill(process);
                });
            }
            boolean timedOut = false;
            if (request.timeout() == null) {
                process.waitFor();
            } else if (!process.waitFor(request.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = !cancelled.get();
                LiveProcesses.kill(process);
                process.waitFor();
            }
            // why: one deadline for both pipes: a killed process's orphaned child can hold them open, and the wait
            // for its output must not add up per pipe
            long drainUntil = System.nanoTime() + DRAIN.toNanos();
            out.join(Duration.ofNanos(Math.max(1, drainUntil - System.nanoTime())));
            err.join(Duration.ofNanos(Math.max(1, drainUntil - System.nanoTime())));
            // why: killed by the JVM's shutdown hook (SIGTERM to this process) is a cancellation, never a failure
            boolean stopped = cancelled.get() || (LiveProcesses.shuttingDown() && process.exitValue() != 0);
            return new ProcessResult(
                    process.exitValue(),
                    timedOut && !stopped,
                    stopped,
                    tail.lines(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LiveProcesses.kill(process);
            throw new IllegalStateException(
                    "interrupted while running " + request.command().getFirst(), e);
        } finally {
            if (process.isAlive()) {
                LiveProcesses.kill(process);
            }
            // why: a killed ffmpeg may leave children (none today, but filters can spawn helpers); never leak them
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            LiveProcesses.unregister(process);
        }
    }

    private static Thread reader(InputStream in, Consumer<String> sink, LineTail tail, String name, long pid) {
        return Thread.ofVirtual().name("process-" + pid + "-" + name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                boolean warned = false;
                while ((line = r.readLine()) != null) {
                    if (tail != null) {
                        tail.add(line);
                    }
                    try {
                        sink.accept(line);
                    } catch (RuntimeException e) {
                        // why: a failing consumer (a progress listener, say) must not stop the pipe being drained
                        if (!warned) {
                            warned = true;
                            log.warn(
                                    "{} consumer of process {} failed (further failures not logged): {}",
                                    name,
                                    pid,
                                    e.toString());
                        }
                    }
                }
            } catch (IOException e) {
                // the stream closes under us when the process is killed
                log.debug("{} of process {} closed: {}", name, pid, e.toString());
            }
        });
    }
}
