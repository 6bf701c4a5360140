package io.nommer.core.job;

import io.nommer.core.profile.Profile;
import java.time.Instant;
import java.util.List;

/**
 * The unit of work the queue hands out: one output of a job.
 *
 * @param progress percent, 0-100
 * @param cpuSeconds user plus system CPU time ffmpeg spent, summed over attempts' successful runs
 * @param logTail the last lines ffmpeg printed when the task failed, else null
 * @param part for one rendition of a ladder spread over workers, its rung (0 is the top); null for an output's own task
 * @param parts how many rendition tasks an output's own task packages (0: it encodes everything itself)
 */
public record Task(
        String id,
        String jobId,
        int index,
        String name,
        String preset,
        Profile profile,
        String destination,
        JobState state,
        double progress,
        int attempt,
        int maxAttempts,
        List<OutputFile> files,
        String errorCode,
        String errorMessage,
        String logTail,
        double cpuSeconds,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Integer part,
        int parts) {
    public Task {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** Whether this task is one rendition of a ladder, not an output of its own. */
    public boolean isPart() {
        return part != null;
    }
}
