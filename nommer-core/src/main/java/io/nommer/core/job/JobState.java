package io.nommer.core.job;

import java.util.Locale;

/** A job's and a task's lifecycle: {@code queued -> running -> succeeded | failed | cancelled}. */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState parse(String s) {
        for (JobState v : values()) {
            if (v.name().equalsIgnoreCase(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException(
                "state must be one of queued, running, succeeded, failed, cancelled, not '" + s + "'");
    }
}
