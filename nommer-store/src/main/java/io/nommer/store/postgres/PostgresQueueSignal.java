package io.nommer.store.postgres;

import io.nommer.core.queue.QueueSignal;
import io.nommer.store.InProcessQueueSignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link QueueSignal} across processes: PostgreSQL {@code LISTEN/NOTIFY} on channel {@value #CHANNEL}.
 *
 * <p>A daemon thread listens on a dedicated connection (not a pooled one: a pool would hand it out and take the
 * subscription with it) and wakes local waiters on every notification; it reconnects after a failure, waiting
 * {@link #RECONNECT_DELAY} between tries. {@link #signal()} notifies every listener, this process's included, on a
 * second dedicated connection. A signal lost while disconnected costs only latency: workers also poll.
 */
public final class PostgresQueueSignal implements QueueSignal, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresQueueSignal.class);

    /** The channel name; every nommer process on one database shares it. */
    public static final String CHANNEL = "nommer_tasks";
    /** How long the listener blocks in one wait for notifications; bounds how fast {@link #close()} takes effect. */
    static final int POLL_MILLIS = 500;
    /** The pause between attempts to re-establish a lost listening connection. */
    public static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

    private final PostgresUrl url;
    private final InProcessQueueSignal local = new InProcessQueueSignal();
    private final Thread listener;
    private final Object notifyLock = new Object();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ReentrantLock sending = new ReentrantLock();
    private volatile boolean closed;
    private volatile boolean listening;
    private volatile Connection listenConnection;
    private Connection notifyConnection;

    /** Starts listening at once; the first connection is made on the listener thread, so this never blocks. */
    public PostgresQueueSignal(PostgresUrl url) {
        this.url = Objects.requireNonNull(url, "url");
        this.listener = Thread.ofPlatform().daemon().name("nommer-pg-listen").unstarted(this::listen);
        listener.start();
    }

    /** Whether the listening connection is up and subscribed (for health checks and tests). */
    public boolean listening() {
        return listening;
    }

    /**
     * Wakes local waiters and notifies the channel. Signals that arrive while a NOTIFY is being sent are folded into
     * one more NOTIFY after it, so a burst of submissions costs a few round trips (each a commit), not one each, and
     * no caller waits behind another's.
     */
    @Override
    public void signal() {
        local.signal();
        pending.set(true);
        while (pending.get() && sending.tryLock()) {
            try {
                if (pending.getAndSet(false)) {
                    notifyChannel();
                }
            } finally {
                sending.unlock();
            }
        }
    }

    private void notifyChannel() {
        synchronized (notifyLock) {
            for (int attempt = 1; attempt <= 2 && !closed; attempt++) {
                try {
                    if (notifyConnection == null || notifyConnection.isClosed()) {
                        notifyConnection = connect();
                    }
                    try (Statement st = notifyConnection.createStatement()) {
                        st.execute("NOTIFY " + CHANNEL);
                    }
                    return;
                } catch (SQLException e) {
                    closeQuietly(notifyConnection);
                    notifyConnection = null;
                    if (attempt == 2) {
                        // why: a lost signal only delays workers until their next poll; the caller's write stands
                        log.warn("could not notify {} on {}: {}", CHANNEL, url, e.getMessage());
                    }
                }
            }
        }
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        return local.await(timeout);
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(listenConnection);
        synchronized (notifyLock) {
            closeQuietly(notifyConnection);
            notifyConnection = null;
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection c = connect()) {
                listenConnection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                // why: work may have arrived while no connection listened; a spurious wake-up costs one claim query
                local.signal();
                listening = true;
                log.debug("listening on {} at {}", CHANNEL, url);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
                    if (notes != null && notes.length > 0) {
                        local.signal();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                log.warn(
                        "listening on {} at {} failed, reconnecting in {}: {}",
                        CHANNEL,
                        url,
                        RECONNECT_DELAY,
                        e.getMessage());
            } finally {
                listening = false;
                listenConnection = null;
            }
            try {
                Thread.sleep(RECONNECT_DELAY);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("ApplicationName", "nommer-signal");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
        c.setAutoCommit(true);
        return c;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing is best effort; the connection is dropped either way
            }
        }
    }
}
