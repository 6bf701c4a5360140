package io.nommer.core.job;

import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a job's timeline says (its {@link JobEvent}s' types and messages), written in one place so that every engine
 * tells the same story.
 */
public final class Timeline {
    /** One event to append: its type and message. */
    public record Entry(String type, String message) {}

    private Timeline() {}

    public static Entry created(int outputs) {
        return new Entry("job.created", outputs + " output(s)");
    }

    /** How the job will run where that was a choice (see {@link NewJob#plan()}). */
    public static Entry planned(String step) {
        return new Entry("job.planned", step);
    }

    /** {@code attempt 2 of 3 on worker w-1}: which attempt, of how many, on which worker (when known). */
    public static String attempt(int attempt, int maxAttempts, String workerId) {
        return "attempt " + attempt + " of " + maxAttempts + (workerId == null ? "" : " on worker " + workerId);
    }

    public static Entry started(String attempt) {
        return new Entry("task.started", attempt);
    }

    /** Which stack an attempt runs on and its tools' exact versions ({@code ffmpeg-5.1: ffmpeg 5.1.9, ...}). */
    public static Entry stack(io.nommer.core.stack.Stack stack) {
        StringBuilder b =
                new StringBuilder("runs on stack ").append(stack.name()).append(": ");
        java.util.StringJoiner tools = new java.util.StringJoiner(", ");
        stack.versions().forEach((tool, version) -> tools.add(tool + " " + version));
        return new Entry("task.stack", b.append(tools).toString());
    }

    public static Entry succeeded(int files) {
        return new Entry("task.succeeded", files + " file(s) published");
    }

    /** An attempt failed and the task runs again after {@code delay}. */
    public static Entry retrying(String reason, int attempt, int maxAttempts, Duration delay) {
        return new Entry(
                "task.retrying",
                reason + " (attempt " + attempt + " of " + maxAttempts + "; next try in " + seconds(delay) + ")");
    }

    /** The task failed for good. */
    public static Entry failed(String reason, int attempt, int maxAttempts) {
        return new Entry("task.failed", reason + " (attempt " + attempt + " of " + maxAttempts + ")");
    }

    /** The task failed for good, {@code reason} saying why. */
    public static Entry failed(String reason) {
        return new Entry("task.failed", reason);
    }

    public static Entry released() {
        return new Entry("task.released", "given back by its worker; the attempt does not count");
    }

    /** A lease of {@code attempt} (see {@link #started}) expired; the task runs again after {@code delay}. */
    public static Entry leaseExpired(String attempt, Duration delay) {
        return new Entry("task.lease_expired", "lease of " + attempt + " expired; next try in " + seconds(delay));
    }

    /** The last attempt's lease of {@code attempt} expired: the task failed for good. */
    public static Entry leaseLost(String attempt) {
        return new Entry("task.failed", "lease_expired: lease of " + attempt + " expired");
    }

    /** What the worker found in the input ({@code input is mov,mp4, 2.00 s, video h264 320x240 25.00 fps, ...}). */
    public static Entry probed(MediaInfo info) {
        StringBuilder b = new StringBuilder("input is ").append(info.demuxer());
        if (info.duration() != null) {
            b.append(String.format(Locale.ROOT, ", %.2f s", info.duration()));
        }
        for (StreamInfo s : info.streams()) {
            b.append(", ").append(s.type()).append(' ').append(s.codec());
            if (s.isVideo() && s.width() != null) {
                b.append(' ').append(s.width()).append('x').append(s.height());
                if (s.fps() != null) {
                    b.append(String.format(Locale.ROOT, " %.2f fps", s.fps()));
                }
            }
        }
        return new Entry("task.probed", b.toString());
    }

    /** How the output was encoded: the encoder's runs and the CPU time they took. */
    public static Entry encoded(List<String> runs, double cpuSeconds) {
        return new Entry(
                "task.encoded",
                String.format(Locale.ROOT, "%s; %.1f CPU seconds", String.join("; ", runs), cpuSeconds));
    }

    public static Entry finished(JobOutcome outcome) {
        return new Entry(outcome.eventType(), outcome.message());
    }

    public static Entry retried(int tasks) {
        return new Entry("job.retried", tasks + " task(s) queued again");
    }

    /** A webhook for {@code event} reached {@code target} (a URL without its query), answering {@code status}. */
    public static Entry webhookDelivered(String event, String target, int status, int attempt) {
        return new Entry(
                "webhook.delivered", event + " to " + target + ": HTTP " + status + " (attempt " + attempt + ")");
    }

    /**
     * A webhook attempt failed; it is tried again after {@code retryIn}, or never again when that is null.
     *
     * @param target the URL without its query, which may carry a secret
     */
    public static Entry webhookFailed(String event, String target, String reason, int attempt, Duration retryIn) {
        return new Entry(
                "webhook.failed",
                event + " to " + target + ": " + reason + " (attempt " + attempt + "; "
                        + (retryIn == null ? "given up" : "next try in " + seconds(retryIn)) + ")");
    }

    /** {@code 10s}, {@code 1.5s}. */
    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis / 1000.0 + "s";
    }
}
