package io.nommer.ffmpeg;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeException;
import io.nommer.core.encode.EncodePlan;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.ErrorCode;
import io.nommer.core.encode.FfmpegCommand;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.ProfileCompiler;
import io.nommer.core.encode.ProgressListener;
import io.nommer.core.profile.InvalidProfileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.DoubleAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg {@link Encoder}: compiles the profile with {@link ProfileCompiler} and runs each planned ffmpeg command
 * in order through a {@link ProcessRunner}, reporting progress from {@code -progress pipe:1} and summing CPU time from
 * {@code -benchmark}. The whole request's timeout covers all runs together.
 */
public final class FfmpegEncoder implements Encoder {
    private static final Logger log = LoggerFactory.getLogger(FfmpegEncoder.class);
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile(
            "(?i)error|invalid|unable|not found|no such|failed|unknown|cannot|could not");

    private final Path ffmpeg;
    private final ProcessRunner runner;
    private final ProfileCompiler compiler;

    public FfmpegEncoder(FfmpegBinaries binaries) {
        this(binaries.ffmpeg(), new LocalProcessRunner());
    }

    public FfmpegEncoder(Path ffmpeg, ProcessRunner runner) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.compiler = new ProfileCompiler();
    }

    @Override
    public EncodeResult encode(EncodeRequest request, ProgressListener progress, Cancellation cancel) {
        Cancellation c = cancel == null ? new Cancellation() : cancel;
        ProgressListener listener = progress == null ? p -> {} : progress;
        EncodePlan plan;
        try {
            plan = compiler.compile(request.profile(), request.input(), request.inputFile(), request.outDir(),
                    request.baseName());
        } catch (InvalidProfileException e) {
            throw new EncodeException(ErrorCode.INVALID_PROFILE, "task " + request.taskId() + ": " + e.getMessage(),
                    null, e);
        }
        List<FfmpegCommand> commands = plan.commands();
        long deadline = request.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + request.timeout().toNanos();
        DoubleAdder cpu = new DoubleAdder();
        for (int i = 0; i < commands.size(); i++) {
            if (c.cancelled()) {
                throw cancelled(request, c);
            }
            Duration left = null;
            if (deadline != Long.MAX_VALUE) {
                long nanos = deadline - System.nanoTime();
                if (nanos <= 0) {
                    throw timedOut(request, List.of());
                }
                left = Duration.ofNanos(nanos);
            }
            run(request, commands.get(i), i, commands.size(), plan.mediaSeconds(), left, listener, c, cpu);
        }
        List<PlannedFile> files = verify(request, plan);
        listener.progress(100);
        return new EncodeResult(files, cpu.sum());
    }

    private void run(EncodeRequest request, FfmpegCommand command, int index, int count, Double mediaSeconds,
            Duration timeout, ProgressListener listener, Cancellation cancel, DoubleAdder cpu) {
        List<String> argv = new ArrayList<>(command.args().size() + 1);
        argv.add(ffmpeg.toString());
        argv.addAll(command.args());
        ProgressParser parser = new ProgressParser(mediaSeconds);
        ProcessRequest pr = new ProcessRequest(argv, request.outDir(), timeout,
                line -> parser.accept(line).ifPresent(fraction -> listener.progress(
                        overall(index, count, fraction))),
                line -> {
                    OptionalDouble s = BenchmarkParser.cpuSeconds(line);
                    s.ifPresent(cpu::add);
                },
                cancel);
        log.debug("task {}: running ffmpeg ({}): {}", request.taskId(), command.label(), argv);
        ProcessResult r;
        try {
            r = runner.run(pr);
        } catch (UncheckedIOException e) {
            throw new EncodeException(ErrorCode.INTERNAL, "task " + request.taskId() + ": cannot run ffmpeg ("
                    + ffmpeg + "): " + e.getMessage(), null, e);
        }
        if (r.cancelled() || cancel.cancelled()) {
            throw cancelled(request, cancel);
        }
        if (r.timedOut()) {
            throw timedOut(request, r.stderrTail());
        }
        if (r.exitCode() != 0) {
            throw new EncodeException(ErrorCode.ENCODE_FAILED, "task " + request.taskId() + ": ffmpeg ("
                    + command.label() + ") exited with code " + r.exitCode() + lastError(r.stderrTail()),
                    r.stderrText(), null);
        }
        log.debug("task {}: ffmpeg ({}) done in {} ms", request.taskId(), command.label(), r.elapsed().toMillis());
    }

    /** Overall percentage: each run is an equal share; a run's own 100 (its {@code progress=end}) closes its share. */
    static double overall(int index, int count, double runPercent) {
        return Math.min(100, (index + runPercent / 100) / count * 100);
    }

    private static List<PlannedFile> verify(EncodeRequest request, EncodePlan plan) {
        for (PlannedFile f : plan.files()) {
            long size;
            try {
                size = Files.exists(f.path()) ? Files.size(f.path()) : -1;
            } catch (IOException e) {
                size = -1;
            }
            if (size <= 0) {
                throw new EncodeException(ErrorCode.ENCODE_FAILED, "task " + request.taskId() + ": ffmpeg finished but "
                        + "the output " + f.path().getFileName() + (size < 0 ? " is missing" : " is empty"));
            }
        }
        return plan.files();
    }

    private static CancellationException cancelled(EncodeRequest request, Cancellation c) {
        return new CancellationException("task " + request.taskId() + ": encode cancelled"
                + (c.reason() == null ? "" : " (" + c.reason() + ")"));
    }

    private static EncodeException timedOut(EncodeRequest request, List<String> tail) {
        return new EncodeException(ErrorCode.ENCODE_TIMEOUT, "task " + request.taskId() + ": encode did not finish "
                + "within " + request.timeout() + " and was stopped", tail.isEmpty() ? null : String.join("\n", tail),
                null);
    }

    /**
     * The most telling stderr line: the last one that reports an error ("Conversion failed!" says nothing), else the
     * last that is not benchmark or statistics noise.
     */
    static String lastError(List<String> tail) {
        for (int i = tail.size() - 1; i >= 0; i--) {
            String l = tail.get(i).strip();
            if (ERROR_LINE.matcher(l).find() && !l.equals("Conversion failed!")) {
                return ": " + l;
            }
        }
        for (int i = tail.size() - 1; i >= 0; i--) {
            String l = tail.get(i).strip();
            if (!l.isEmpty() && !l.startsWith("bench:") && !l.startsWith("frame=") && !l.startsWith("video:")) {
                return ": " + l;
            }
        }
        return "";
    }
}
