package io.nommer.core.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The farm: clouds (pools of workers with a priority) and the workers that reported in. {@code FleetRegistryContract}
 * in the store module's tests states the behaviour every engine must have.
 */
public interface FleetRegistry {

    /** Creates a cloud or changes its priority. */
    Cloud putCloud(String name, int priority);

    /**
     * Sets a cloud's price per core-hour from now on (0: unknown); earlier work keeps the price it had. Setting the
     * price it has changes nothing.
     *
     * @return the cloud, or empty when there is no such cloud
     */
    Optional<Cloud> priceCloud(String name, double pricePerCoreHour);

    /** Every price every cloud has had, deleted clouds' included (few rows: one per price change). */
    List<CloudPrice> prices();

    Optional<Cloud> findCloud(String name);

    /** Every cloud, highest priority first, then by name. */
    List<Cloud> listClouds();

    /**
     * Deletes a cloud. Returns false when there was no such cloud.
     *
     * @throws IllegalStateException for the default cloud, or while the cloud has queued or running tasks
     */
    boolean deleteCloud(String name);

    /** Records what a worker reports about itself ({@code startedAt} and {@code lastSeen} are set by the store). */
    void recordWorker(WorkerStatus status);

    /** Forgets a worker that stopped. */
    void removeWorker(String workerId);

    /** Workers seen within {@code seenWithin}, by id; older rows are deleted. */
    List<WorkerStatus> listWorkers(Duration seenWithin);
}
