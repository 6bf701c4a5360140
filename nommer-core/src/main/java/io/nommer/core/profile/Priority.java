package io.nommer.core.profile;

import java.util.Locale;

/** Panda's High/Normal/Low. Larger {@link #rank()} is claimed first. */
public enum Priority {
    HIGH(3),
    NORMAL(2),
    LOW(1);

    private final int rank;

    Priority(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code high|normal|low} in any case; throws {@link IllegalArgumentException} naming the bad value. */
    public static Priority parse(String value) {
        for (Priority p : values()) {
            if (p.name().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("priority must be one of high, normal, low, not '" + value + "'");
    }

    /**
     * The queue order of a task: the job's priority dominates, the profile's breaks ties within it.
     */
    public static int combined(Priority job, Priority profile) {
        return job.rank * 10 + profile.rank;
    }

    /** The job's priority within a task's {@link #combined} one. */
    public static Priority jobOf(int combined) {
        int rank = combined / 10;
        for (Priority p : values()) {
            if (p.rank == rank) {
                return p;
            }
        }
        throw new IllegalArgumentException("task priority " + combined + " names no job priority");
    }
}
