package io.nommer.ffmpeg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    @Override
    public ProcessResult run(ProcessRequest request) {
        ProcessBuilder pb = new ProcessBuilder(request.command());
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
            out.join(DRAIN);
            err.join(DRAIN);
            return new ProcessResult(process.exitValue(), timedOut, cancelled.get(), tail.lines(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LiveProcesses.kill(process);
            throw new IllegalStateException("interrupted while running " + request.command().getFirst(), e);
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
                            log.warn("{} consumer of process {} failed (further failures not logged): {}", name, pid,
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
