package io.nommer.core.metrics;

import java.util.Objects;

/**
 * A running total of one kind of work for one set of labels.
 *
 * <p>What each field holds depends on {@link #kind()}:
 *
 * <ul>
 *   <li>{@link Kind#JOBS_SUBMITTED}: {@code count} jobs submitted to {@code cloud}; no preset or state.
 *   <li>{@link Kind#OUTPUTS_SUBMITTED}: {@code count} outputs of those jobs, by {@code preset}.
 *   <li>{@link Kind#JOBS_FINISHED}: {@code count} jobs that reached {@code state} (a job retried and finished again
 *       counts again); {@code bytes}: the sizes of their inputs, as probed.
 *   <li>{@link Kind#OUTPUTS_FINISHED}: {@code count} outputs of finished jobs in {@code state} when their job finished;
 *       {@code bytes}: their published files; {@code cpuSeconds} and {@code encodeSeconds} (wall seconds from a task's
 *       first start to its finish) of the outputs' tasks and their ladder renditions; {@code waitSeconds}: from the
 *       outputs' submission to their first start.
 * </ul>
 *
 * @param preset the output's preset or stored profile ({@code none} when it had neither); empty for job totals
 * @param state a job or output state; empty for submissions
 */
public record WorkTotal(
        Kind kind,
        String cloud,
        String preset,
        String state,
        long count,
        long bytes,
        double cpuSeconds,
        double encodeSeconds,
        double waitSeconds) {
    /** What is counted. */
    public enum Kind {
        JOBS_SUBMITTED,
        OUTPUTS_SUBMITTED,
        JOBS_FINISHED,
        OUTPUTS_FINISHED
    }

    /** An output's preset label when it has none. */
    public static final String NO_PRESET = "none";

    public WorkTotal {
        Objects.requireNonNull(kind, "kind");
        cloud = Objects.requireNonNull(cloud, "cloud");
        preset = preset == null ? "" : preset;
        state = state == null ? "" : state;
    }

    /** The labels this total is kept under. */
    public record Key(Kind kind, String cloud, String preset, String state) {}

    public Key key() {
        return new Key(kind, cloud, preset, state);
    }

    /** A total of nothing yet under {@code key}. */
    public static WorkTotal zero(Key key) {
        return new WorkTotal(key.kind(), key.cloud(), key.preset(), key.state(), 0, 0, 0, 0, 0);
    }

    /** This total with {@code other}'s (the same key's) added. */
    public WorkTotal plus(WorkTotal other) {
        if (!other.key().equals(key())) {
            throw new IllegalArgumentException("cannot add the total of " + other.key() + " to " + key());
        }
        return new WorkTotal(
                kind,
                cloud,
                preset,
                state,
                count + other.count,
                bytes + other.bytes,
                cpuSeconds + other.cpuSeconds,
                encodeSeconds + other.encodeSeconds,
                waitSeconds + other.waitSeconds);
    }

    /** Totals with the same key added together, in first-seen order. */
    public static java.util.List<WorkTotal> merge(Iterable<WorkTotal> totals) {
        java.util.Map<Key, WorkTotal> merged = new java.util.LinkedHashMap<>();
        for (WorkTotal t : totals) {
            merged.merge(t.key(), t, WorkTotal::plus);
        }
        return java.util.List.copyOf(merged.values());
    }
}
