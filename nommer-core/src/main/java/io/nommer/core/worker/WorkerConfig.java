package io.nommer.core.worker;

import io.nommer.core.fleet.Cloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a worker runs. Validated on construction; messages name the setting.
 *
 * @param slots tasks encoded at once
 * @param lease how long a claim lasts without a heartbeat
 * @param heartbeat how often leases are extended and progress stored (progress is throttled to this)
 * @param idlePoll how long an idle slot waits for a wake-up before polling the queue again
 * @param encodeTimeout the longest one output may take
 * @param retryBackoff delay before a transiently failed task runs again (times the attempt number)
 * @param maxInputSeconds inputs longer than this are refused
 * @param maxInputPixels inputs with more pixels per frame than this are refused
 * @param clouds the clouds whose tasks this worker claims
 * @param claimBatch how many tasks a slot claims at once when its encoder needs no input (the null encoder); encoders
 *     that do real work always claim one at a time, so that no task waits behind another's encode
 */
public record WorkerConfig(
        String workerId,
        int slots,
        Path workRoot,
        Duration lease,
        Duration heartbeat,
        Duration idlePoll,
        Duration encodeTimeout,
        Duration retryBackoff,
        double maxInputSeconds,
        long maxInputPixels,
        List<String> clouds,
        int claimBatch) {

    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_IDLE_POLL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_ENCODE_TIMEOUT = Duration.ofHours(6);
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(10);
    public static final double DEFAULT_MAX_INPUT_SECONDS = 12 * 3600;
    public static final long DEFAULT_MAX_INPUT_PIXELS = 7680L * 4320;

    /**
     * Measured with {@code ./bench throughput}: 64 left the two slots waiting on commits with a core idle, 500 was
     * no better than 200 (BENCHMARKS.md).
     */
    public static final int DEFAULT_CLAIM_BATCH = 200;

    public WorkerConfig {
        clouds = clouds == null || clouds.isEmpty() ? List.of(Cloud.DEFAULT) : List.copyOf(clouds);
        for (String c : clouds) {
            if (!Cloud.validName(c)) {
                throw new IllegalArgumentException("clouds: '" + c + "' is not a valid cloud name (1-64 of a-z, 0-9, "
                        + "'.', '_', '-', starting with a letter or digit)");
            }
        }
        if (claimBatch < 1 || claimBatch > 1000) {
            throw new IllegalArgumentException("claimBatch must be between 1 and 1000, not " + claimBatch);
        }
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("workerId must not be blank");
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("workers (slots) must be between 1 and 256, not " + slots);
        }
        if (workRoot == null) {
            throw new IllegalArgumentException("workRoot must be set");
        }
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("lease cannot be less than 2s, not " + lease);
        }
        if (heartbeat.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException("heartbeat (" + heartbeat + ") must be at most half the lease (" + lease + ")");
        }
        if (idlePoll.isNegative() || idlePoll.isZero()) {
            throw new IllegalArgumentException("idlePoll must be positive");
        }
        if (encodeTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("encodeTimeout cannot be less than 1s");
        }
    }

    public static WorkerConfig defaults(String workerId, int slots, Path workRoot) {
        return new WorkerConfig(workerId, slots, workRoot, DEFAULT_LEASE, DEFAULT_HEARTBEAT, DEFAULT_IDLE_POLL,
                DEFAULT_ENCODE_TIMEOUT, DEFAULT_RETRY_BACKOFF, DEFAULT_MAX_INPUT_SECONDS, DEFAULT_MAX_INPUT_PIXELS,
                List.of(Cloud.DEFAULT), DEFAULT_CLAIM_BATCH);
    }

    public WorkerConfig withLease(Duration newLease, Duration newHeartbeat) {
        return new WorkerConfig(workerId, slots, workRoot, newLease, newHeartbeat, idlePoll, encodeTimeout, retryBackoff,
                maxInputSeconds, maxInputPixels, clouds, claimBatch);
    }

    public WorkerConfig withClouds(List<String> newClouds) {
        return new WorkerConfig(workerId, slots, workRoot, lease, heartbeat, idlePoll, encodeTimeout, retryBackoff,
                maxInputSeconds, maxInputPixels, newClouds, claimBatch);
    }
}
