package io.nommer.core.fleet;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A named pool of workers (Panda's "encoding cloud"). A job names its cloud; a worker serves one or more clouds and
 * claims from them in the order of their priority (higher first), then by task priority, then by age.
 *
 * @param pricePerCoreHour what an hour of one CPU core costs in this cloud now (see {@link Pricing}); 0 when unknown
 * @param scaling how its workers are scaled; null when they are not
 * @param scalingStatus what the scaler last decided for it; null before its first decision
 */
public record Cloud(
        String name,
        int priority,
        Instant createdAt,
        Instant updatedAt,
        double pricePerCoreHour,
        ScalingPolicy scaling,
        ScalingStatus scalingStatus) {
    /** The cloud jobs and workers use when they name none. It always exists and cannot be deleted. */
    public static final String DEFAULT = "default";

    public static final int MIN_PRIORITY = -100;
    public static final int MAX_PRIORITY = 100;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** Whether {@code name} is an acceptable cloud name: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
