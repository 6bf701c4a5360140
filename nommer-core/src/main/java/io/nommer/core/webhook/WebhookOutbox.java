package io.nommer.core.webhook;

import java.time.Duration;
import java.util.List;

/**
 * Webhook deliveries waiting to be sent: rows written in the transaction that made their job terminal.
 * {@code WebhookOutboxContract} in the store module's tests states the behaviour every engine must have.
 */
public interface WebhookOutbox {

    /**
     * Claims deliveries due now, oldest first, for one relay to send: they are not due again for a minute unless
     * marked delivered or failed, so several orchestrators relaying at once do not send the same webhook twice.
     */
    List<WebhookDelivery> due(int max);

    void markDelivered(long id, int httpStatus);

    /** Records a failed delivery and schedules the next try; after {@code giveUpAfterAttempts} it stops trying. */
    void markFailed(long id, String error, Duration retryAfter, int giveUpAfterAttempts);
}
