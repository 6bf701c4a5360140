package io.nommer.core.webhook;

import io.nommer.core.job.Timeline;
import java.time.Duration;
import java.util.List;

/**
 * Webhook deliveries waiting to be sent: rows written in the transaction that made their job terminal (and, for jobs
 * notifying in media-nommer's format, in the one that started each {@link JobPhase}). A job's rows are due one at a
 * time, in order: each waits until the earlier ones were delivered, given up or skipped.
 * {@code WebhookOutboxContract} in the store module's tests states the behaviour every engine must have.
 */
public interface WebhookOutbox {

    /**
     * Claims deliveries due now, oldest first, for one relay to send: they are not due again for a minute unless
     * marked delivered or failed, so several orchestrators relaying at once do not send the same webhook twice.
     */
    List<WebhookDelivery> due(int max);

    /**
     * Records a delivery, and {@code event} in its job's timeline in the same transaction (so the timeline says what
     * the outbox did, crash or not); nothing when it was already marked.
     */
    void markDelivered(long id, int httpStatus, Timeline.Entry event);

    /**
     * Records a failed delivery and schedules the next try; after {@code giveUpAfterAttempts} it stops trying. The
     * timeline gets {@code event}, if any, in the same transaction.
     */
    void markFailed(long id, String error, Duration retryAfter, int giveUpAfterAttempts, Timeline.Entry event);

    /** Drops a delivery that is no longer worth sending, {@code why} kept with it; nothing when already marked. */
    void skip(long id, String why);
}
