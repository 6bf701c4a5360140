package io.nommer.core.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /**
     * Sets how a cloud's workers are scaled (null: not scaled), forgetting what the scaler decided under the old
     * policy.
     *
     * @return the cloud, or empty when there is no such cloud
     */
    Optional<Cloud> scaleCloud(String name, ScalingPolicy policy);

    /** Records what the scaler decided for a cloud. */
    void recordScaling(String cloud, ScalingStatus status);

    /**
     * Takes or renews the scaler's lease for {@code holder}: true when {@code holder} now holds it for {@code ttl}
     * (it held it, or the last holder's lease has expired), false while another holds it.
     */
    boolean holdScaler(String holder, Duration ttl);

    /** Gives the scaler's lease up, if {@code holder} holds it, so that another takes it at once. */
    void releaseScaler(String holder);

    /** Per cloud, its tasks that want a worker now (clouds without any are left out). */
    Map<String, TaskCounts> taskCounts();

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
