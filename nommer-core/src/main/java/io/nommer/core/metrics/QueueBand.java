package io.nommer.core.metrics;

import io.nommer.core.profile.Priority;
import java.time.Duration;

/**
 * The tasks of one cloud and job priority that are waiting or running now.
 *
 * @param queued tasks waiting to be claimed (a retry waiting for its backoff included)
 * @param running tasks leased by a worker
 * @param oldestQueued how long the longest-waiting queued task has been in the store; zero when none is queued
 */
public record QueueBand(String cloud, Priority priority, long queued, long running, Duration oldestQueued) {}
