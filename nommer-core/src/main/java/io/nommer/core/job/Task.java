package io.nommer.core.job;

import io.nommer.core.profile.Profile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The unit of work the queue hands out: one output of a job.
 *
 * @param progress percent, 0-100
 * @param cpuSeconds user plus system CPU time ffmpeg spent, summed over attempts' successful runs
 * @param logTail the last lines ffmpeg printed when the task failed, else null
 * @param part for one rendition of a ladder spread over workers, its rung (0 is the top); null for an output's own task
 * @param parts how many rendition tasks an output's own task packages (0: it encodes everything itself)
 * @param tools the exact version of each tool of the stack its last attempt ran on ({@code ffmpeg ->
 *     5.1.9-0+deb12u1}), in the stack's order; empty until a worker started it (and for the null encoder)
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
        int parts,
        Map<String, String> tools) {
    public Task {
        files = files == null ? List.of() : List.copyOf(files);
        tools = tools == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tools));
    }

    /** The stack this task runs on (resolved when its job was submitted), or null when it is not pinned to one. */
    public String stack() {
        return profile.get(Profile.STACK);
    }

    /** Whether this task is one rendition of a ladder, not an output of its own. */
    public boolean isPart() {
        return part != null;
    }
}
