package io.nommer.core.scaling;

/**
 * What the scaler sees of one cloud when it decides.
 *
 * @param runnableTasks queued tasks whose time to run has come
 * @param runningTasks tasks a worker holds
 * @param workers workers the provider runs, those still starting included
 * @param idleWorkers of those, the ones that report no task (the only ones the scaler may stop)
 */
public record CloudLoad(int runnableTasks, int runningTasks, int workers, int idleWorkers) {}
