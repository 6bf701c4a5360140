package io.nommer.server.medianommer;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What media-nommer's feederd POSTed to a job's {@code notify_url}: the form fields {@code unique_id},
 * {@code job_state} and {@code job_state_details}, in that order. nommer sends one, when the job is final:
 * {@code FINISHED} once the output is published at {@code dest_path}, else {@code ERROR} with the end of the failure's
 * message (feederd's last 1023 characters of ffmpeg's stderr). media-nommer skipped states itself (it looked once a
 * minute), so an application cannot rely on seeing the states in between.
 */
public final class MediaNommerNotification {
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    public static final String USER_AGENT = "media-nommer feederd";
    static final int MAX_DETAILS = 1023;

    private MediaNommerNotification() {}

    /** The form body for {@code job}, which is terminal. */
    public static byte[] body(Job job) {
        String state = job.state() == JobState.SUCCEEDED ? "FINISHED" : "ERROR";
        String details = "";
        if (job.state() == JobState.CANCELLED) {
            details = "the job was cancelled";
        } else if (job.state() != JobState.SUCCEEDED) {
            details = job.tasks().stream()
                    .filter(t -> t.errorMessage() != null)
                    .map(MediaNommerNotification::failure)
                    .findFirst()
                    .orElse("the job failed");
        }
        if (details.length() > MAX_DETAILS) {
            details = details.substring(details.length() - MAX_DETAILS);
        }
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
