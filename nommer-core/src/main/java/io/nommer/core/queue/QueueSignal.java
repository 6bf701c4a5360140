package io.nommer.core.queue;

import java.time.Duration;

/**
 * Wakes idle workers when work may have arrived. In one process a monitor is enough; across machines PostgreSQL's
 * {@code LISTEN/NOTIFY} carries it. A lost signal only costs latency: workers also poll.
 */
public interface QueueSignal {
    void signal();

    /** Waits until signalled or {@code timeout} passes; returns whether a signal arrived. */
    boolean await(Duration timeout) throws InterruptedException;
}
