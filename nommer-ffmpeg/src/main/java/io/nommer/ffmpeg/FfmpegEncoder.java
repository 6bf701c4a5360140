package io.nommer.ffmpeg;

import io.nommer.core.command.CommandRefusal;
import io.nommer.core.compile.CommandCompiler;
import io.nommer.core.compile.EncodePlan;
import io.nommer.core.compile.FfmpegCommand;
import io.nommer.core.compile.PlanStep;
import io.nommer.core.compile.ProfileCompiler;
import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.ProgressListener;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.job.TaskIds;
import io.nommer.core.profile.InvalidProfileException;
import io.nommer.core.worker.WorkerConfig;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg {@link Encoder}: compiles the profile with {@link ProfileCompiler} and runs each planned ffmpeg command
 * in order through a {@link ProcessRunner}, reporting progress from {@code -progress pipe:1} (each run weighted by its
 * {@link FfmpegCommand#weight()}) and summing CPU time from {@code -benchmark}. The whole request's timeout covers all
 * runs together.
 *
 * <p>A plan's file work is done here: its {@code before} steps (scratch directories, key info files) ahead of the
 * first run, its {@code after} steps (manifests, archives) after the last, and its scratch directory is deleted at
 * the end whether the encode succeeded or not. The result lists the files of the plan's file sets, then its named
 * files.
 */
public final class FfmpegEncoder implements Encoder {
    private static final Logger log = LoggerFactory.getLogger(FfmpegEncoder.class);
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile(
            "(?i)error|invalid|unable|not found|no such|failed|unknown|cannot|could not");
    /**
     * What ffmpeg logs when a write finds no room (ENOSPC). It may still exit 0 (a failed trailer write is not an
     * error to it), leaving a truncated file that would be published.
     */
    private static final String NO_SPACE = "No space left on device";
    /** What libavutil logs when a decoder meets a frame larger than {@code -max_pixels} (and refuses to decode it). */
    private static final java.util.regex.Pattern PIXEL_LIMIT =
            java.util.regex.Pattern.compile("Picture size (\\d+x\\d+) exceeds specified max pixel count");

    private final Path ffmpeg;
    private final ProcessRunner runner;
    private final ProfileCompiler compiler;
    private final LadderMode ladderMode;
    private final long maxPixels;

    public FfmpegEncoder(FfmpegBinaries binaries) {
        this(binaries, WorkerConfig.DEFAULT_MAX_INPUT_PIXELS);
    }

    public FfmpegEncoder(FfmpegBinaries binaries, long maxPixels) {
        this(binaries.ffmpeg(), new LocalProcessRunner(), LadderMode.SINGLE_DECODE, maxPixels);
    }

    public FfmpegEncoder(Path ffmpeg, ProcessRunner runner) {
        this(ffmpeg, runner, LadderMode.SINGLE_DECODE, WorkerConfig.DEFAULT_MAX_INPUT_PIXELS);
    }

    /**
     * @param ladderMode how adaptive-streaming ladders are compiled (see {@link LadderMode})
     * @param maxPixels the most pixels a decoded frame may have: ffmpeg refuses to decode a larger one, and the
     *     encode fails with {@code input_limits_exceeded}
     */
    public FfmpegEncoder(Path ffmpeg, ProcessRunner runner, LadderMode ladderMode, long maxPixels) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.ladderMode = Objects.requireNonNull(ladderMode, "ladderMode");
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, not " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.compiler = new ProfileCompiler();
    }

    @Override
    public EncodeResult encode(EncodeRequest request, ProgressListener progress, Cancellation cancel) {
        Cancellation c = cancel == null ? new Cancellation() : cancel;
        ProgressListener listener = progress == null ? p -> {} : progress;
        EncodePlan plan;
        try {
            if (request.profile().hasCommand()) {
                plan = CommandCompiler.compile(
                        request.profile(),
                        request.input(),
                        request.inputFile(),
                        request.outDir(),
                        request.baseName(),
                        Objects.requireNonNullElse(TaskIds.jobIdOf(request.taskId()), request.taskId()));
            } else if (request.rendition() != null) {
                plan = compiler.compileRendition(
                        request.profile(),
                        request.input(),
                        request.inputFile(),
                        request.outDir(),
                        request.baseName(),
                        request.rendition(),
                        request.watermark());
            } else if (!request.renditions().isEmpty()) {
                plan = compiler.compilePackaging(
                        request.profile(),
                        request.input(),
                        request.inputFile(),
                        request.outDir(),
                        request.baseName(),
                        request.renditions());
            } else {
                plan = compiler.compile(
                        request.profile(),
                        request.input(),
                        request.inputFile(),
                        request.outDir(),
                        request.baseName(),
                        ladderMode,
                        request.watermark());
            }
        } catch (InvalidProfileException e) {
            throw new TaskFailedException(
                    ErrorCode.INVALID_PROFILE, "task " + request.taskId() + ": " + e.getMessage(), null, e);
        } catch (CommandRefusal e) {
            // why: checked when the profile was stored, and again here: the allowlist may have been tightened since
            throw new TaskFailedException(
                    ErrorCode.COMMAND_NOT_ALLOWED,
                    "task " + request.taskId() + ": the profile's command is not allowed: " + e.getMessage(),
                    null,
                    e);
        }
        List<FfmpegCommand> commands = plan.commands();
        double[] weights = commands.stream().mapToDouble(FfmpegCommand::weight).toArray();
        long deadline = request.timeout() == null
                ? Long.MAX_VALUE
                : System.nanoTime() + request.timeout().toNanos();
        DoubleAdder cpu = new DoubleAdder();
        try {
            steps(request, plan.before());
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
                run(
                        request,
                        commands.get(i),
                        i,
                        weights,
                        plan.mediaSeconds(),
                        left,
                        listener,
                        c,
                        cpu,
                        plan.scratchDir());
            }
            steps(request, plan.after());
            List<PlannedFile> files = verify(request, plan);
            listener.progress(100);
            return new EncodeResult(
                    files,
                    cpu.sum(),
                    commands.stream().map(FfmpegCommand::label).toList());
        } finally {
            // why: the scratch directory may hold the encryption key; it must not outlive the encode.
            PlanSteps.deleteTree(plan.scratchDir());
            if (plan.scratchDir() != null && Files.exists(plan.scratchDir())) {
                log.warn("task {}: could not delete the scratch directory {}", request.taskId(), plan.scratchDir());
            }
        }
    }

    private static void steps(EncodeRequest request, List<PlanStep> steps) {
        for (PlanStep step : steps) {
            try {
                PlanSteps.perform(step);
            } catch (IOException | RuntimeException e) {
                // the step's toString never shows secret content
                throw new TaskFailedException(
                        ErrorCode.INTERNAL,
                        "task " + request.taskId() + ": " + step + " failed: " + e.getMessage(),
                        null,
                        e);
            }
        }
    }

    private void run(
            EncodeRequest request,
            FfmpegCommand command,
            int index,
            double[] weights,
            Double mediaSeconds,
            Duration timeout,
            ProgressListener listener,
            Cancellation cancel,
            DoubleAdder cpu,
            Path scratchDir) {
        List<String> argv = new ArrayList<>(command.args().size() + 1);
        argv.add(ffmpeg.toString());
        for (String arg : command.args()) {
            if (arg.equals("-i")) {
                // why: the probe saw only the start of the input; a stream may switch to far larger frames later,
                // and the limit must hold for what is decoded (ffmpeg's decoders check it for every frame)
                argv.add("-max_pixels");
                argv.add(Long.toString(maxPixels));
            }
            argv.add(arg);
        }
        ProgressParser parser = new ProgressParser(mediaSeconds);
        AtomicReference<String> oversized = new AtomicReference<>();
        AtomicReference<String> noSpace = new AtomicReference<>();
        ProcessRequest pr = new ProcessRequest(
                        argv,
                        request.outDir(),
                        timeout,
                        line -> parser.accept(line)
                                .ifPresent(fraction -> listener.progress(overall(weights, index, fraction))),
                        line -> {
                            OptionalDouble s = BenchmarkParser.cpuSeconds(line);
                            s.ifPresent(cpu::add);
                            java.util.regex.Matcher m = PIXEL_LIMIT.matcher(line);
                            if (m.find()) {
                                oversized.compareAndSet(null, m.group(1));
                            }
                            // why: only ffmpeg's own messages, which start at the line's beginning; the input's
                            // metadata is
                            // printed indented, and a title may say anything
                            if (line.contains(NO_SPACE) && !line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                                noSpace.compareAndSet(null, line.strip());
                            }
                        },
                        cancel)
                // what a sandbox shows the run of the host's files: its inputs, and where it writes
                .reading(inputs(request))
                .writing(scratchDir != null && Files.isDirectory(scratchDir) ? List.of(scratchDir) : List.of());
        log.debug("task {}: running ffmpeg ({}): {}", request.taskId(), command.label(), argv);
        ProcessResult r;
        try {
            r = runner.run(pr);
        } catch (UncheckedIOException e) {
            throw new TaskFailedException(
                    ErrorCode.INTERNAL,
                    "task " + request.taskId() + ": cannot run ffmpeg (" + ffmpeg + "): " + e.getMessage(),
                    null,
                    e);
        }
        if (r.cancelled() || cancel.cancelled()) {
            throw cancelled(request, cancel);
        }
        if (r.timedOut()) {
            throw timedOut(request, r.stderrTail());
        }
        if (r.limitExceeded() != null) {
            throw new TaskFailedException(
                    r.limitExceeded().errorCode(),
                    "task " + request.taskId() + ": ffmpeg (" + command.label() + ") was stopped: "
                            + r.limitExceeded().reason(),
                    r.stderrText(),
                    null);
        }
        if (noSpace.get() != null) {
            throw new TaskFailedException(
                    ErrorCode.WORKER_DISK_FULL,
                    "task " + request.taskId() + ": the worker's disk is full (ffmpeg " + command.label() + ": "
                            + noSpace.get() + ")",
                    r.stderrText(),
                    null);
        }
        if (oversized.get() != null) {
            // why: ffmpeg skips the frames it refused and may still exit 0, with an output missing them
            throw new TaskFailedException(
                    ErrorCode.INPUT_LIMITS_EXCEEDED,
                    "task " + request.taskId() + ": the input has a " + oversized.get() + " picture, more than the "
                            + "limit of " + maxPixels + " pixels per frame (the probe saw only "
                            + probedSizes(request) + ")",
                    r.stderrText(),
                    null);
        }
        if (r.exitCode() != 0) {
            throw new TaskFailedException(
                    ErrorCode.ENCODE_FAILED,
                    "task " + request.taskId() + ": ffmpeg (" + command.label() + ") exited with code " + r.exitCode()
                            + lastError(r.stderrTail()),
                    r.stderrText(),
                    null);
        }
        log.debug(
                "task {}: ffmpeg ({}) done in {} ms",
                request.taskId(),
                command.label(),
                r.elapsed().toMillis());
    }

    /** The files an encode reads: the input, the watermark, a packaging task's renditions. */
    private static List<Path> inputs(EncodeRequest request) {
        List<Path> in = new ArrayList<>();
        in.add(request.inputFile());
        if (request.watermark() != null) {
            in.add(request.watermark().file());
        }
        in.addAll(request.renditions().values());
        return in;
    }

    private static String probedSizes(EncodeRequest request) {
        List<String> sizes = request.input().streams().stream()
                .filter(s -> s.width() != null && s.height() != null)
                .map(s -> s.width() + "x" + s.height())
                .distinct()
                .toList();
        return sizes.isEmpty() ? "no picture" : String.join(", ", sizes);
    }

    /** Overall percentage: each run is an equal share; a run's own 100 (its {@code progress=end}) closes its share. */
    static double overall(int index, int count, double runPercent) {
        double[] equal = new double[count];
        java.util.Arrays.fill(equal, 1);
        return overall(equal, index, runPercent);
    }

    /** Overall percentage when each run's share is its weight's part of the sum of all weights. */
    static double overall(double[] weights, int index, double runPercent) {
        double total = 0;
        double done = 0;
        for (int i = 0; i < weights.length; i++) {
            total += weights[i];
            if (i < index) {
                done += weights[i];
            }
        }
        return Math.min(100, (done + weights[index] * runPercent / 100) / total * 100);
    }

    private static List<PlannedFile> verify(EncodeRequest request, EncodePlan plan) {
        List<PlannedFile> produced;
        try {
            produced = PlanSteps.produced(plan);
        } catch (IOException e) {
            throw new TaskFailedException(
                    ErrorCode.ENCODE_FAILED,
                    "task " + request.taskId() + ": ffmpeg finished but " + e.getMessage(),
                    null,
                    e);
        }
        for (PlannedFile f : produced) {
            long size;
            try {
                size = Files.exists(f.path()) ? Files.size(f.path()) : -1;
            } catch (IOException e) {
                size = -1;
            }
            if (size <= 0) {
                throw new TaskFailedException(
                        ErrorCode.ENCODE_FAILED,
                        "task " + request.taskId() + ": ffmpeg finished but the output "
                                + f.path().getFileName() + (size < 0 ? " is missing" : " is empty"));
            }
        }
        return produced;
    }

    private static CancellationException cancelled(EncodeRequest request, Cancellation c) {
        return new CancellationException("task " + request.taskId() + ": encode cancelled"
                + (c.reason() == null ? "" : " (" + c.reason() + ")"));
    }

    private static TaskFailedException timedOut(EncodeRequest request, List<String> tail) {
        return new TaskFailedException(
                ErrorCode.ENCODE_TIMEOUT,
                "task " + request.taskId() + ": encode did not finish within " + request.timeout() + " and was stopped",
                tail.isEmpty() ? null : String.join("\n", tail),
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
