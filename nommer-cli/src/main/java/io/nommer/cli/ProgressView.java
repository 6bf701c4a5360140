package io.nommer.cli;

import io.nommer.cli.Views.Job;
import io.nommer.cli.Views.Output;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a person sees while a job runs. On a terminal: a bar per output (state, percent, speed, time left), drawn
 * again in place at every look; otherwise a line whenever an output's state changes or its progress passes another
 * tenth. Speed and time left come from how fast progress moved over the last {@link #WINDOW}, as this command saw it.
 */
final class ProgressView {
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** How long progress must have been watched before a speed is worth showing (ffmpeg starts slowly). */
    static final Duration SETTLE = Duration.ofSeconds(3);

    private static final int STEP = 10;

    private final Map<String, Meter> meters = new HashMap<>();
    private final Map<String, String> reported = new HashMap<>();
    private String reportedJob;

    /** The frame for a terminal: a line for the job, then one per output, each at most {@code columns - 1} wide. */
    List<String> frame(Job job, Instant now, int columns) {
        observe(job, now);
        List<String> lines = new ArrayList<>();
        lines.add(fit("job " + job.id() + ": " + job.state() + " " + Format.percent(job.progress()), columns));
        int nameWidth = Math.min(
                24,
                job.outputs().stream().mapToInt(o -> o.name().length()).max().orElse(0));
        // name, state, bar, percent and the speed/ETA text share the width; the bar takes what is left
        int barWidth = Math.max(10, Math.min(30, columns - 1 - (2 + nameWidth + 1 + 9 + 1 + 2 + 1 + 7 + 20)));
        for (Output o : job.outputs()) {
            String name = o.name().length() > nameWidth ? o.name().substring(0, nameWidth) : o.name();
            String line = String.format(
                    Locale.ROOT,
                    "  %-" + nameWidth + "s %-9s %s %6s  %s",
                    name,
                    o.state(),
                    bar(o.progress(), barWidth),
                    Format.percent(o.progress()),
                    detail(job, o, now));
            lines.add(fit(line.stripTrailing(), columns));
        }
        return lines;
    }

    /** The lines to print since the last look, when not on a terminal: only what changed. */
    List<String> changes(Job job, Instant now) {
        observe(job, now);
        List<String> lines = new ArrayList<>();
        for (Output o : job.outputs()) {
            String key = o.state().equals("running") ? "running " + (int) (o.progress() / STEP) : o.state();
            if (key.equals(reported.put(o.name(), key))) {
                continue;
            }
            String line = o.name() + ": " + o.state();
            if (o.state().equals("running")) {
                line += " " + (int) o.progress() + "%";
            }
            String detail = detail(job, o, now);
            lines.add(detail.isEmpty() ? line : line + " (" + detail + ")");
        }
        // a finished job's state opens the summary that follows
        if (!job.state().equals(reportedJob) && !job.finished()) {
            lines.add("job " + job.id() + ": " + job.state());
        }
        reportedJob = job.state();
        return lines;
    }

    private void observe(Job job, Instant now) {
        for (Output o : job.outputs()) {
            Meter m = meters.computeIfAbsent(o.name(), n -> new Meter());
            if (o.state().equals("running")) {
                m.add(now, o.progress());
            } else {
                m.clear();
            }
        }
    }

    /** Speed and time left while running; why it waits while queued; the error's code once failed. */
    private String detail(Job job, Output o, Instant now) {
        return switch (o.state()) {
            case "running" -> {
                OptionalDouble rate = meters.get(o.name()).rate();
                if (rate.isEmpty() || rate.getAsDouble() <= 0) {
                    yield "";
                }
                String text = "";
                Double seconds = mediaSeconds(job, o);
                if (seconds != null) {
                    text = String.format(Locale.ROOT, "%.1fx, ", rate.getAsDouble() / 100 * seconds);
                }
                long left = Math.round((100 - o.progress()) / rate.getAsDouble());
                yield text + "ETA " + Format.clock(Duration.ofSeconds(left));
            }
            case "queued" ->
                o.attempt() > 0
                        ? "retrying, attempt " + (o.attempt() + 1) + " of " + o.maxAttempts()
                        : o.waitingForStack() != null
                                ? "waiting for a worker with stack " + o.waitingForStack()
                                : "waiting for a worker";
            case "failed" -> o.error() == null ? "" : o.error().code();
            default -> "";
        };
    }

    /** How many seconds of media the output holds, from the probed input and the profile's clip; null if unknown. */
    static Double mediaSeconds(Job job, Output o) {
        if (job.inputInfo() == null || job.inputInfo().duration() == null) {
            return null;
        }
        double d = job.inputInfo().duration();
        if (o.profile() != null && o.profile().clipOffset() != null) {
            d -= o.profile().clipOffset();
        }
        if (o.profile() != null && o.profile().clipLength() != null) {
            d = Math.min(d, o.profile().clipLength());
        }
        return d > 0 ? d : null;
    }

    /** {@code uploading clip.mp4 [####......] 41.0% of 1.20 GB, 35.2 MB/s}, fitted to the terminal. */
    static String upload(String name, long sent, long size, long elapsedNanos, int columns) {
        double percent = size == 0 ? 100 : 100.0 * sent / size;
        String rate = elapsedNanos <= 0 ? "" : ", " + Format.bytes((long) (sent * 1e9 / elapsedNanos)) + "/s";
        return fit(
                "uploading " + name + " " + bar(percent, 20) + " " + Format.percent(percent) + " of "
                        + Format.bytes(size) + rate,
                columns);
    }

    static String bar(double percent, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(100, percent)) / 100 * width);
        return "[" + "#".repeat(full) + ".".repeat(width - full) + "]";
    }

    static String fit(String line, int columns) {
        // why: a line that wraps would take two rows, and redrawing in place moves up one row per line
        return line.length() < columns ? line : line.substring(0, Math.max(0, columns - 4)) + "...";
    }

    /** Progress samples of one output over the last {@link #WINDOW}. */
    static final class Meter {
        private record Sample(Instant at, double progress) {}

        private final Deque<Sample> samples = new ArrayDeque<>();

        void add(Instant at, double progress) {
            if (!samples.isEmpty() && progress < samples.peekLast().progress()) {
                samples.clear(); // a new attempt starts over
            }
            samples.addLast(new Sample(at, progress));
            while (samples.size() > 2
                    && Duration.between(samples.peekFirst().at(), at).compareTo(WINDOW) > 0) {
                samples.removeFirst();
            }
        }

        void clear() {
            samples.clear();
        }

        /** Percent per second over the window; empty until samples span {@link #SETTLE}. */
        OptionalDouble rate() {
            if (samples.size() < 2) {
                return OptionalDouble.empty();
            }
            Duration span = Duration.between(
                    samples.peekFirst().at(), samples.peekLast().at());
            double gained = samples.peekLast().progress() - samples.peekFirst().progress();
            return span.compareTo(SETTLE) < 0
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(gained / (span.toMillis() / 1000.0));
        }
    }
}
