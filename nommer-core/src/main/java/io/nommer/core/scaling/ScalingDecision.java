package io.nommer.core.scaling;

/**
 * What the scaler decided for a cloud, and why (shown by {@code GET /v1/clouds/{name}} and logged).
 *
 * @param desired the workers the cloud should have for its load, within the policy's bounds
 * @param start workers to start now
 * @param stop idle workers to stop now (only when the cloud has more than {@code max_workers})
 * @param reason one sentence a person can read
 */
public record ScalingDecision(int desired, int start, int stop, String reason) {
    /** Whether it starts or stops anything. */
    public boolean acts() {
        return start > 0 || stop > 0;
    }
}
