package io.nommer.core.webhook;

import java.util.Locale;

/**
 * What a job's notify URL is sent: nommer's signed JSON webhooks, or media-nommer's form POSTs (jobs submitted through
 * the media-nommer compatible {@code /job/submit}). The format is kept in the stored notify URL itself, as a scheme
 * prefix ({@code media-nommer+https://app.example.com/hook}), so that the outbox row written when the job finishes
 * needs no column of its own and a delivery survives a restart exactly as a webhook does. The JSON API cannot store
 * such a URL: it accepts only {@code http} and {@code https} notify URLs.
 */
public enum NotifyFormat {
    /** nommer's webhooks: the job as JSON, signed. */
    NOMMER(""),
    /** media-nommer's notifications: {@code unique_id}, {@code job_state}, {@code job_state_details} as a form. */
    MEDIA_NOMMER("media-nommer+");

    private final String prefix;

    NotifyFormat(String prefix) {
        this.prefix = prefix;
    }

    /** The notify URL as stored for this format. */
    public String stored(String url) {
        return prefix + url;
    }

    /** The format of a stored notify URL. */
    public static NotifyFormat of(String stored) {
        return stored.toLowerCase(Locale.ROOT).startsWith(MEDIA_NOMMER.prefix) ? MEDIA_NOMMER : NOMMER;
    }

    /** The URL a stored notify URL is delivered to, without the format's prefix. */
    public static String target(String stored) {
        NotifyFormat f = of(stored);
        return stored.substring(f.prefix.length());
    }
}
