package io.nommer.core.fleet;

import java.time.Instant;

/**
 * What the scaler last decided for a cloud, kept in the store.
 *
 * @param current the workers the cloud had when it decided (those starting included)
 * @param lastScaleUp when it last started workers for the cloud (its cooldown runs from there); null if never
 * @param scaler the orchestrator that decided
 * @param decisions how many decisions started or stopped workers, since the policy was set
 * @param started workers started in all
 * @param stopped workers stopped in all
 */
public record ScalingStatus(
        int desired,
        int current,
        String reason,
        Instant decidedAt,
        Instant lastScaleUp,
        String scaler,
        long decisions,
        long started,
        long stopped) {}
