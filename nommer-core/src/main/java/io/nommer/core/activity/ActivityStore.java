package io.nommer.core.activity;

/**
 * Reads what jobs did over a recent window, for the dashboard's plots of queue depth and throughput. The answer must
 * cost in proportion to the jobs active in the window, never to all the jobs the store holds: a store keeps millions
 * of finished jobs.
 */
public interface ActivityStore {
    /**
     * The spans of every job that was queued or running at some moment from {@link Activity#windowStart} of "now"
     * (the store's time) to now: jobs still queued or running, and jobs that finished in the window.
     *
     * @param minutes how many whole minutes, the current one included, the window holds (1 to
     *     {@link Activity#MAX_MINUTES})
     * @param tenant only this tenant's jobs, or null for every tenant's
     */
    Activity.Window window(int minutes, String tenant);
}
