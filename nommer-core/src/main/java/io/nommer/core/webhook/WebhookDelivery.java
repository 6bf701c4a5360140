package io.nommer.core.webhook;

/**
 * A pending webhook (an outbox row), written in the transaction that made its job terminal.
 *
 * @param event e.g. {@code job.succeeded}
 * @param attempts deliveries tried so far
 */
public record WebhookDelivery(long id, String jobId, String url, String event, int attempts) {}
