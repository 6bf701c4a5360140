package io.nommer.store;

import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.job.Timeline;
import io.nommer.core.webhook.WebhookDelivery;
import io.nommer.core.webhook.WebhookOutbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link WebhookOutbox} on JDBC: the outbox table, whose rows the queue writes when jobs finish. */
final class JdbcWebhookOutbox implements WebhookOutbox {
    /** How long a relay has to deliver the webhooks it claimed before another relay may take them. */
    static final Duration CLAIM = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(JdbcWebhookOutbox.class);

    /**
     * The oldest rows still to deliver whose time has come (parameters: now, how many), through {@code outbox_pending}
     * (V20), so that a look costs the same however many delivered webhooks the store holds. A job's notifications
     * arrive in order (media-nommer's states): one waits until every earlier one of its job was delivered or given up.
     */
    static final String DUE = "SELECT id, job_id, url, event, attempts FROM outbox o "
            + "WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ? "
            + "AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.job_id = o.job_id AND e.id < o.id "
            + "AND e.delivered_at IS NULL AND e.given_up_at IS NULL) "
            + "ORDER BY id LIMIT ?";

    private final Sql sql;
    private final JobFinisher finisher;

    JdbcWebhookOutbox(Sql sql, JobFinisher finisher) {
        this.sql = sql;
        this.finisher = finisher;
    }

    @Override
    public List<WebhookDelivery> due(int max) {
        if (max < 1) {
            return List.of();
        }
        return sql.inTransaction("claiming due webhooks", c -> {
            long now = sql.now(c);
            List<WebhookDelivery> due = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, DUE + sql.dialect().skipLocked(), now, max);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new WebhookDelivery(
                            rs.getLong("id"),
                            rs.getString("job_id"),
                            rs.getString("url"),
                            rs.getString("event"),
                            rs.getInt("attempts")));
                }
            }
            // why: several orchestrators may relay at once; pushing the rows out of "due" while one delivers them
            // keeps the others away. A relay that dies mid-delivery leaves them due again after the claim lapses.
            for (WebhookDelivery d : due) {
                update(c, "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", now + CLAIM.toMillis(), d.id());
            }
            return due;
        });
    }

    @Override
    public void markDelivered(long id, int httpStatus, Timeline.Entry event) {
        sql.inTransaction("marking webhook " + id + " delivered", c -> {
            long now = sql.now(c);
            int n = update(
                    c,
                    "UPDATE outbox SET delivered_at = ?, "
                            + "http_status = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND delivered_at IS NULL",
                    now,
                    httpStatus,
                    id);
            if (n > 0) {
                addEvent(c, id, event, now);
            }
            return n;
        });
    }

    @Override
    public void skip(long id, String why) {
        sql.inTransaction(
                "skipping webhook " + id,
                c -> update(
                        c,
                        "UPDATE outbox SET last_error = ?, given_up_at = ? "
                                + "WHERE id = ? AND delivered_at IS NULL AND given_up_at IS NULL",
                        why,
                        sql.now(c),
                        id));
    }

    @Override
    public void markFailed(long id, String error, Duration retryAfter, int giveUpAfterAttempts, Timeline.Entry event) {
        long delay = retryAfter == null ? 0 : Math.max(0, retryAfter.toMillis());
        sql.inTransaction("marking webhook " + id + " failed", c -> {
            long now = sql.now(c);
            int n = update(
                    c,
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
                            + "given_up_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE NULL END "
                            + "WHERE id = ? AND delivered_at IS NULL AND given_up_at IS NULL",
                    error,
                    now + delay,
                    giveUpAfterAttempts,
                    now,
                    id);
            if (n > 0) {
                addEvent(c, id, event, now);
                try (PreparedStatement ps = prepare(
                                c, "SELECT job_id, attempts FROM outbox WHERE id = ? AND given_up_at IS NOT NULL", id);
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        log.warn(
                                "giving up on webhook {} of job {} after {} attempts: {}",
                                id,
                                rs.getString(1),
                                rs.getInt(2),
                                error);
                    }
                }
            }
            return n;
        });
    }

    private void addEvent(Connection c, long id, Timeline.Entry event, long now) throws SQLException {
        if (event == null) {
            return;
        }
        try (PreparedStatement ps = prepare(c, "SELECT job_id FROM outbox WHERE id = ?", id);
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                finisher.addEvent(c, rs.getString(1), null, event, now);
            }
        }
    }
}
