package io.nommer.core.metrics;

import java.util.List;

/**
 * What the store knows of the work submitted, done and waiting, for the orchestrator's {@code /metrics}. The numbers
 * are the store's, not one process's: every orchestrator on one store answers the same, and a restart loses nothing.
 *
 * <p>Totals are kept without a write on the queue's path: finished and submitted jobs are folded, now and then, into a
 * few running-total rows ({@link #totals()} does it), read through the indexes of jobs by {@code created_at} and
 * {@code finished_at}; what finished since the last fold is added when read.
 */
public interface StoreMetrics {
    /** How long after a job's submission or finish it is folded into the stored totals (until then it is read live). */
    java.time.Duration FOLD_MARGIN = java.time.Duration.ofSeconds(60);

    /**
     * Folds what submitted or finished more than {@link #FOLD_MARGIN} ago and is not folded yet into the stored totals
     * (in transactions of a bounded size; several orchestrators may call it at once, each job is folded once), then
     * answers the stored totals plus what is not folded yet.
     *
     * @throws RuntimeException the store's failure, naming what was being done
     */
    List<WorkTotal> totals();

    /** The queue now: queued and running tasks and the oldest queued one's age, per cloud and job priority. */
    List<QueueBand> queue();
}
