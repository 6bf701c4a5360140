package io.nommer.core.job;

import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.Priority;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as stored, with its tasks (outputs) in submission order.
 *
 * @param inputInfo what ffprobe found in the input, once a worker has probed it; else null
 * @param ownerTokenHash the hash of the owner token given out when the job was created (OwnerTokens); never shown
 * @param tenant the tenant that made the job
 */
public record Job(
        String id,
        JobState state,
        Priority priority,
        String input,
        MediaInfo inputInfo,
        Map<String, Object> metadata,
        String notifyUrl,
        String cloud,
        List<Task> tasks,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        String ownerTokenHash,
        String tenant) {
    public Job {
        tasks = List.copyOf(tasks);
        metadata = metadata == null ? Map.of() : metadata;
    }

    /** Overall progress, 0-100: the mean of the outputs' progress; 100 once the job succeeded. */
    public double progress() {
        if (state == JobState.SUCCEEDED) {
            return 100;
        }
        return tasks.isEmpty()
                ? 0
                : tasks.stream().mapToDouble(Task::progress).average().orElse(0);
    }
}
