package io.nommer.core.queue;

import io.nommer.core.job.OutputFile;
import io.nommer.core.store.Store;
import java.util.List;

/** A task's successful outcome, for recording several at once ({@link Store#completeAll}). */
public record Completion(String taskId, String leaseToken, List<OutputFile> files, double cpuSeconds) {
    public Completion {
        files = files == null ? List.of() : List.copyOf(files);
    }
}
