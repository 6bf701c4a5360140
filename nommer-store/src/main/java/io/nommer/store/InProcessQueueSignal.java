package io.nommer.store;

import io.nommer.core.queue.QueueSignal;
import java.time.Duration;

/** The in-process {@link QueueSignal} (SQLite has no cross-process notifications; one process needs none): a generation counter under a monitor, so no signal between checks is lost. */
public final class InProcessQueueSignal implements QueueSignal {
    private long generation;

    @Override
    public synchronized void signal() {
        generation++;
        notifyAll();
    }

    @Override
    public synchronized boolean await(Duration timeout) throws InterruptedException {
        long seen = generation;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (generation == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
