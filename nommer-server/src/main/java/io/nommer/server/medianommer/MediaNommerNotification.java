package io.nommer.server.medianommer;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.webhook.JobPhase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What media-nommer's feederd POSTed to a job's {@code notify_url}: the form fields {@code unique_id},
 * {@code job_state} and {@code job_state_details}, in that order. nommer sends the states as they happen, in order
 * (the outbox holds a job's later notifications back until its earlier ones are done): {@code DOWNLOADING},
 * {@code ENCODING} and {@code UPLOADING} ({@link JobPhase}), then the final one, {@code FINISHED} once the output is
 * published at {@code dest_path}, else {@code ERROR} with the end of the failure's message (feederd's last 1023
 * characters of ffmpeg's stderr). A state still undelivered when the job has ended is skipped, as feederd, which looked
 * once a minute, skipped them; so an application cannot rely on seeing the states in between.
 */
public final class MediaNommerNotification {
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    public static final String USER_AGENT = "media-nommer feederd";
    static final int MAX_DETAILS = 1023;

    private MediaNommerNotification() {}

    /** The form body of the outbox row for {@code event}: a {@link JobPhase}'s, or the terminal one's. */
    public static byte[] body(Job job, String event) {
        JobPhase phase = JobPhase.ofEvent(event);
        if (phase != null) {
            return form(job, phase.mediaNommerState(), "");
        }
        if (job.state() == JobState.SUCCEEDED) {
            return form(job, "FINISHED", "");
        }
        String details = job.state() == JobState.CANCELLED
                ? "the job was cancelled"
                : job.tasks().stream()
                        .filter(t -> t.errorMessage() != null)
                        .map(MediaNommerNotification::failure)
                        .findFirst()
                        .orElse("the job failed");
        return form(job, "ERROR", details.substring(Math.max(0, details.length() - MAX_DETAILS)));
    }

    private static byte[] form(Job job, String state, String details) {
        String form = "unique_id=" + encode(job.id()) + "&job_state=" + encode(state) + "&job_state_details="
                + encode(details);
        return form.getBytes(StandardCharsets.US_ASCII);
    }

    private static String failure(Task t) {
        return t.errorCode() == null ? t.errorMessage() : t.errorCode() + ": " + t.errorMessage();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
