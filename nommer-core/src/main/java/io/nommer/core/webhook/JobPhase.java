package io.nommer.core.webhook;

import java.util.Arrays;
import java.util.List;

/**
 * The steps of a running task that media-nommer's notifications name ({@code DOWNLOADING}, {@code ENCODING},
 * {@code UPLOADING}), each reached when the worker writes a timeline event: it has picked its stack and fetches the
 * input, it has probed the input and encodes, it has encoded and publishes. A job whose notify URL is in
 * {@link NotifyFormat#MEDIA_NOMMER} gets an outbox row {@link #event()} for each, in the transaction that writes the
 * event, at most once and never after a later one (a retried attempt does not go back to {@code DOWNLOADING}). nommer's
 * own JSON webhooks stay terminal only.
 */
public enum JobPhase {
    DOWNLOADING("task.stack"),
    ENCODING("task.probed"),
    UPLOADING("task.encoded");

    private final String reachedBy;

    JobPhase(String reachedBy) {
        this.reachedBy = reachedBy;
    }

    /** The outbox event, {@code job.downloading} and so on. */
    public String event() {
        return "job." + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** media-nommer's name for it. */
    public String mediaNommerState() {
        return name();
    }

    /** The phase a timeline event of {@code type} starts, or null. */
    public static JobPhase reachedBy(String type) {
        for (JobPhase p : values()) {
            if (p.reachedBy.equals(type)) {
                return p;
            }
        }
        return null;
    }

    /** The phase an outbox {@code event} notifies, or null for a terminal event ({@code job.succeeded}...). */
    public static JobPhase ofEvent(String event) {
        for (JobPhase p : values()) {
            if (p.event().equals(event)) {
                return p;
            }
        }
        return null;
    }

    /** The events of the phases before this one: the only outbox rows a job may already have when it is reached. */
    public List<String> earlierEvents() {
        return Arrays.stream(values())
                .filter(p -> p.ordinal() < ordinal())
                .map(JobPhase::event)
                .toList();
    }
}
