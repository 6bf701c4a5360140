package io.nommer.core.tenant;

import java.util.Locale;

/**
 * The limits a tenant can be held to. Each is named the same everywhere: in the API's {@code limits} object, in the
 * configuration ({@code tenant_limits.<name>}), and as its column in the store.
 */
public enum TenantLimit {
    /** Tasks running at once: a tenant at its limit is skipped by claims, its tasks wait. */
    MAX_RUNNING_TASKS,
    /** Jobs with an output still waiting to be claimed: checked when jobs are submitted. */
    MAX_QUEUED_JOBS,
    /** The largest input, in bytes, as the worker finds it. */
    MAX_INPUT_BYTES,
    /** The longest input, in seconds, as the probe finds it. */
    MAX_INPUT_SECONDS,
    /** The most pixels in one frame of an input, as the probe finds them. */
    MAX_INPUT_PIXELS,
    /** Uploads in any 24 hours: checked when an upload starts. */
    MAX_UPLOADS_PER_DAY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the known limits, for anything else */
    public static TenantLimit parse(String wireName) {
        for (TenantLimit l : values()) {
            if (l.wireName().equals(wireName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown limit '" + wireName + "'; known: " + known());
    }

    /** Every limit's wire name, comma-separated. */
    public static String known() {
        StringBuilder s = new StringBuilder();
        for (TenantLimit l : values()) {
            s.append(s.isEmpty() ? "" : ", ").append(l.wireName());
        }
        return s.toString();
    }
}
