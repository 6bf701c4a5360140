-- The relay's look for due webhooks (JdbcWebhookOutbox.DUE) takes the oldest undelivered rows in id order. With an
-- index over every row's next attempt time, and the key's order, a store holding millions of delivered webhooks made
-- each look walk them all: 1.2 s a look at 5 million (the throughput benchmark's store with a long history, issue
-- 19), every few seconds. Index only the rows still to deliver, in the order the look takes them.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND given_up_at IS NULL;
