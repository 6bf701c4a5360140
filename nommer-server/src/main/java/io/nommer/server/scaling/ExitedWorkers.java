package io.nommer.server.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers a provider saw exit lately, per cloud, for {@link io.nommer.core.scaling.WorkerProvider#exited}: each is
 * remembered for {@link #REMEMBER}, longer than its last report looks fresh to the scaler, so that a worker that was
 * killed is replaced at the next look rather than once its reports go stale.
 */
public final class ExitedWorkers {
    public static final Duration REMEMBER = Duration.ofMinutes(1);

    private final Map<String, Map<String, Instant>> byCloud = new ConcurrentHashMap<>();

    /** {@code id} of {@code cloud} was seen gone at {@code now}. */
    public void exited(String cloud, String id, Instant now) {
        byCloud.computeIfAbsent(cloud, c -> new ConcurrentHashMap<>()).put(id, now);
    }

    /** {@code ids} are alive after all (seen again), so not exited. */
    public void alive(String cloud, Collection<String> ids) {
        byCloud.getOrDefault(cloud, Map.of()).keySet().removeAll(ids);
    }

    /** Forgets those of {@code cloud} seen gone more than {@link #REMEMBER} before {@code now}. */
    public void expire(String cloud, Instant now) {
        byCloud.getOrDefault(cloud, Map.of()).values().removeIf(t -> t.isBefore(now.minus(REMEMBER)));
    }

    /** Those of {@code cloud} remembered now. */
    public Set<String> of(String cloud) {
        return new TreeSet<>(byCloud.getOrDefault(cloud, Map.of()).keySet());
    }
}
