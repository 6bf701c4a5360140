package io.nommer.core.job;

import java.util.Map;
import java.util.Optional;

/**
 * How a job ends, decided from its tasks' states once none is queued or running: any failed output fails the job,
 * else any cancelled output cancels it, else it succeeded. The message is the job's {@code job.<state>} timeline
 * entry.
 */
public record JobOutcome(JobState state, String message) {

    /**
     * The outcome of a job whose tasks are counted by state; empty while any task is queued or running.
     *
     * @param tasksByState how many of the job's tasks are in each state (absent states count 0)
     */
    public static Optional<JobOutcome> of(Map<JobState, Integer> tasksByState) {
        if (tasksByState.getOrDefault(JobState.QUEUED, 0) > 0 || tasksByState.getOrDefault(JobState.RUNNING, 0) > 0) {
            return Optional.empty();
        }
        int total = tasksByState.values().stream().mapToInt(Integer::intValue).sum();
        int failed = tasksByState.getOrDefault(JobState.FAILED, 0);
        int cancelled = tasksByState.getOrDefault(JobState.CANCELLED, 0);
        if (failed > 0) {
            return Optional.of(new JobOutcome(JobState.FAILED, failed + " of " + total + " output(s) failed"));
        }
        if (cancelled > 0) {
            return Optional.of(new JobOutcome(JobState.CANCELLED, cancelled + " of " + total + " output(s) cancelled"));
        }
        return Optional.of(new JobOutcome(JobState.SUCCEEDED, "all " + total + " output(s) succeeded"));
    }

    /** A job cancelled by its owner, with {@code stopped} unfinished tasks stopped. */
    public static JobOutcome cancelled(int stopped) {
        return new JobOutcome(JobState.CANCELLED, "cancelled; " + stopped + " unfinished output(s) stopped");
    }

    /** The timeline event type of this outcome, e.g. {@code job.succeeded}. */
    public String eventType() {
        return "job." + state.wireName();
    }
}
