package io.nommer.core.util;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Writes concurrent callers' items in shared transactions. A caller that arrives while no batch is being written
 * writes its item at once; callers that arrive while one is being written wait, and the items gathered meanwhile go
 * out together in the next batch, written by one of their callers. Each caller returns only after its own item was
 * written (committed), so nothing is acknowledged before it is durable, and nobody waits for a timer.
 *
 * <p>A batch fails as a whole (a transaction); when it does, each of its callers writes its own item again, alone,
 * so one item's failure reaches only its own caller.
 */
public final class GroupCommit<I, O> {
    private final Function<List<I>, List<O>> writeAll;
    private final Function<I, O> writeOne;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private final ArrayDeque<Pending<I, O>> waiting = new ArrayDeque<>();
    private boolean writing;

    /**
     * @param writeAll writes items in one transaction, answering one result per item, in order
     * @param writeOne writes one item alone (after its batch failed)
     * @param maxBatch the most items in one batch
     */
    public GroupCommit(Function<List<I>, List<O>> writeAll, Function<I, O> writeOne, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, not " + maxBatch);
        }
        this.writeAll = Objects.requireNonNull(writeAll, "writeAll");
        this.writeOne = Objects.requireNonNull(writeOne, "writeOne");
        this.maxBatch = maxBatch;
    }

    /** Writes {@code item}, perhaps together with other callers' items, and answers its result once committed. */
    public O write(I item) {
        Pending<I, O> mine = new Pending<>(Objects.requireNonNull(item, "item"));
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done) {
                if (writing) {
                    written.awaitUninterruptibly();
                    continue;
                }
                writing = true;
                List<Pending<I, O>> batch = new ArrayList<>();
                while (!waiting.isEmpty() && batch.size() < maxBatch) {
                    batch.add(waiting.poll());
                }
                lock.unlock();
                try {
                    writeBatch(batch);
                } finally {
                    for (Pending<I, O> p : batch) {
                        if (!p.done) { // an Error, or writeAll broke its contract
                            p.fail(new IllegalStateException("the batch write ended without a result for this item"));
                        }
                    }
                    lock.lock();
                    writing = false;
                    written.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        // why: each caller of a failed batch writes its own item again, all at once; one writer doing them in turn
        // would make the last caller wait for every other's attempt (each up to a connection timeout when the
        // database is down)
        return mine.alone ? writeOne.apply(item) : mine.result();
    }

    private void writeBatch(List<Pending<I, O>> batch) {
        if (batch.size() == 1) {
            Pending<I, O> p = batch.get(0);
            try {
                p.succeed(writeOne.apply(p.item));
            } catch (RuntimeException e) {
                p.fail(e);
            }
            return;
        }
        List<O> results;
        try {
            results = writeAll.apply(batch.stream().map(p -> p.item).toList());
        } catch (RuntimeException e) {
            batch.forEach(Pending::toWriteAlone);
            return;
        }
        if (results.size() != batch.size()) {
            throw new IllegalStateException(
                    "writeAll answered " + results.size() + " results for " + batch.size() + " items");
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).succeed(results.get(i));
        }
    }

    /** One caller's item; {@code done} is set last, so a caller that sees it also sees the outcome. */
    private static final class Pending<I, O> {
        final I item;
        volatile boolean done;
        /** Its caller is to write it alone. */
        boolean alone;

        O result;
        RuntimeException error;

        Pending(I item) {
            this.item = item;
        }

        void toWriteAlone() {
            alone = true;
            done = true;
        }

        void succeed(O value) {
            result = value;
            done = true;
        }

        void fail(RuntimeException e) {
            error = e;
            done = true;
        }

        O result() {
            if (error != null) {
                throw error;
            }
            return result;
        }
    }
}
