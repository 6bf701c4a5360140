package io.nommer.core.tenant;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Limits set for a tenant, or configured as every tenant's default: each {@link TenantLimit} is either set (a number
 * of at least 0, or {@link #UNLIMITED}) or not set. A tenant's own setting wins over the default; a limit set nowhere
 * is unlimited. Unlimited is the largest long, so that comparing a count with any effective limit needs no special
 * case.
 *
 * @param values the limits that are set; absent ones are not
 */
public record TenantLimits(Map<TenantLimit, Long> values) {
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Nothing set: with these as defaults, a tenant is unlimited in everything it does not set itself. */
    public static final TenantLimits NONE = new TenantLimits(Map.of());

    public TenantLimits {
        EnumMap<TenantLimit, Long> copy = new EnumMap<>(TenantLimit.class);
        values.forEach((limit, value) -> {
            Objects.requireNonNull(limit, "limit");
            if (value == null) {
                return;
            }
            if (value < 0) {
                throw new IllegalArgumentException(limit.wireName() + " must be at least 0 or unlimited, not " + value);
            }
            copy.put(limit, value);
        });
        values = Collections.unmodifiableMap(copy);
    }

    /** These limits with {@code limit} set to {@code value} (null: not set). */
    public TenantLimits with(TenantLimit limit, Long value) {
        EnumMap<TenantLimit, Long> copy = new EnumMap<>(TenantLimit.class);
        copy.putAll(values);
        if (value == null) {
            copy.remove(limit);
        } else {
            copy.put(limit, value);
        }
        return new TenantLimits(copy);
    }

    /** The limit as set here, or null when it is not. */
    public Long get(TenantLimit limit) {
        return values.get(limit);
    }

    /** The limit in force: as set here, else {@link #UNLIMITED}. */
    public long effective(TenantLimit limit) {
        return values.getOrDefault(limit, UNLIMITED);
    }

    /** Whether {@code limit} holds anything back. */
    public boolean limits(TenantLimit limit) {
        return effective(limit) != UNLIMITED;
    }

    /** A tenant's own limits over {@code defaults}: each limit as this sets it, else as the defaults do. */
    public TenantLimits over(TenantLimits defaults) {
        if (defaults.values.isEmpty()) {
            return this;
        }
        EnumMap<TenantLimit, Long> merged = new EnumMap<>(TenantLimit.class);
        merged.putAll(defaults.values);
        merged.putAll(values);
        return new TenantLimits(merged);
    }

    /** A value as users write it: a whole number of at least 0, or {@code unlimited}. */
    public static long parseValue(TenantLimit limit, String text) {
        if ("unlimited".equals(text)) {
            return UNLIMITED;
        }
        try {
            long v = Long.parseLong(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(
                limit.wireName() + " must be a whole number of at least 0 or unlimited, not '" + text + "'");
    }

    /** A value as users read it: the number, or {@code unlimited}. */
    public static Object show(long value) {
        return value == UNLIMITED ? "unlimited" : value;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (TenantLimit l : TenantLimit.values()) {
            if (values.containsKey(l)) {
                s.append(s.isEmpty() ? "" : ", ")
                        .append(l.wireName())
                        .append('=')
                        .append(show(values.get(l)));
            }
        }
        return s.isEmpty() ? "none" : s.toString();
    }
}
