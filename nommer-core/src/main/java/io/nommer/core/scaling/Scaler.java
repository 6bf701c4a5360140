package io.nommer.core.scaling;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.TaskCounts;
import io.nommer.core.fleet.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scales the clouds that have a {@link ScalingPolicy}, every {@link #INTERVAL}, in the orchestrator that holds the
 * scaler's lease in the store (one at a time; another takes over within {@link #LEASE} when it stops renewing).
 *
 * <p>A cloud's workers are those that reported in the last {@link #FRESH} and serve it, together with those its
 * provider started that are alive but have not reported yet, less those its provider saw exit. The decision is {@link ScalingRule}'s; it is recorded in
 * the store with the cloud ({@code GET /v1/clouds/{name}}), logged when it starts or stops workers, and counted.
 */
public final class Scaler {
    private static final Logger log = LoggerFactory.getLogger(Scaler.class);

    public static final Duration INTERVAL = Duration.ofSeconds(5);
    public static final Duration LEASE = Duration.ofSeconds(30);
    /** A worker reports every second: one silent for this long is gone (killed, or its machine lost). */
    static final Duration FRESH = Duration.ofSeconds(15);

    private final FleetRegistry fleet;
    private final Map<String, WorkerProvider> providers;
    private final String holder;
    private final InstantSource clock;

    /**
     * @param providers by {@link WorkerProvider#name()}
     * @param holder this orchestrator, as the lease and the status name it
     */
    public Scaler(FleetRegistry fleet, Map<String, WorkerProvider> providers, String holder, InstantSource clock) {
        this.fleet = fleet;
        this.providers = Map.copyOf(providers);
        this.holder = holder;
        this.clock = clock;
    }

    /** One look at every scaled cloud, if this orchestrator holds (or takes) the scaler's lease. */
    public void tick() {
        if (!fleet.holdScaler(holder, LEASE)) {
            return;
        }
        Instant now = clock.instant();
        List<Cloud> clouds =
                fleet.listClouds().stream().filter(c -> c.scaling() != null).toList();
        if (clouds.isEmpty()) {
            return;
        }
        Map<String, TaskCounts> counts = fleet.taskCounts();
        List<WorkerStatus> workers = fleet.listWorkers(Duration.ofMinutes(1)).stream()
                .filter(w -> w.lastSeen() == null || !w.lastSeen().isBefore(now.minus(FRESH)))
                .toList();
        for (Cloud cloud : clouds) {
            try {
                scale(cloud, counts.getOrDefault(cloud.name(), TaskCounts.NONE), workers, now);
            } catch (RuntimeException e) {
                log.warn("scaling cloud {} failed: {}", cloud.name(), e.toString());
            }
        }
    }

    private void scale(Cloud cloud, TaskCounts tasks, List<WorkerStatus> workers, Instant now) {
        ScalingPolicy policy = cloud.scaling();
        ScalingStatus last = cloud.scalingStatus();
        WorkerProvider provider = providers.get(policy.provider());
        if (provider == null) {
            recordUnscaled(
                    cloud,
                    "provider " + policy.provider() + " is not available in this orchestrator (" + holder
                            + "); its providers: " + providers.keySet(),
                    now);
            return;
        }
        Set<String> own;
        Set<String> exited;
        try {
            own = provider.alive(cloud.name());
            exited = provider.exited(cloud.name());
        } catch (RuntimeException e) {
            // why: a cloud API's refusal (access denied, an unknown group) belongs where the user looks, not only in
            // the log
            recordUnscaled(cloud, "provider " + policy.provider() + " cannot list its workers: " + e.getMessage(), now);
            return;
        }
        Set<String> ids = new HashSet<>(own);
        Set<String> idleOwn = new HashSet<>();
        for (WorkerStatus w : workers) {
            if (w.clouds().contains(cloud.name()) && !exited.contains(w.id())) {
                ids.add(w.id());
                if (w.active() == 0 && own.contains(w.id())) {
                    idleOwn.add(w.id());
                }
            }
        }
        CloudLoad load = new CloudLoad(tasks.runnable(), tasks.running(), ids.size(), idleOwn.size());
        ScalingDecision d = ScalingRule.decide(policy, load, now, last == null ? null : last.lastScaleUp());
        String reason = d.reason();
        int started = 0;
        if (d.start() > 0) {
            int permanent = Math.max(0, Math.min(d.start(), policy.minWorkers() - ids.size()));
            try {
                if (permanent > 0) {
                    provider.start(cloud.name(), policy, permanent, true);
                    started += permanent;
                }
                if (d.start() > permanent) {
                    provider.start(cloud.name(), policy, d.start() - permanent, false);
                    started += d.start() - permanent;
                }
            } catch (RuntimeException e) {
                reason += "; starting failed after " + started + ": " + e.getMessage();
            }
        }
        int stopped = 0;
        for (String id : idleOwn) {
            if (stopped >= d.stop()) {
                break;
            }
            try {
                if (provider.stop(id)) {
                    stopped++;
                }
            } catch (RuntimeException e) {
                reason += "; stopping failed after " + stopped + ": " + e.getMessage();
                break;
            }
        }
        if (d.acts()) {
            log.info("scaling cloud {}: {}", cloud.name(), reason);
        }
        record(
                cloud,
                new ScalingStatus(
                        d.desired(),
                        load.workers(),
                        reason,
                        now,
                        started > 0 ? now : last == null ? null : last.lastScaleUp(),
                        holder,
                        (last == null ? 0 : last.decisions()) + (d.acts() ? 1 : 0),
                        (last == null ? 0 : last.started()) + started,
                        (last == null ? 0 : last.stopped()) + stopped));
    }

    /** Records why nothing was decided, keeping the cloud's counters and last scale-up. */
    private void recordUnscaled(Cloud cloud, String reason, Instant now) {
        ScalingStatus last = cloud.scalingStatus();
        record(
                cloud,
                new ScalingStatus(
                        0,
                        0,
                        reason,
                        now,
                        last == null ? null : last.lastScaleUp(),
                        holder,
                        last == null ? 0 : last.decisions(),
                        last == null ? 0 : last.started(),
                        last == null ? 0 : last.stopped()));
    }

    private void record(Cloud cloud, ScalingStatus status) {
        fleet.recordScaling(cloud.name(), status);
    }

    /** Gives the lease up so that another orchestrator scales at once, and stops watching the providers' workers. */
    public void close() {
        try {
            fleet.releaseScaler(holder);
        } finally {
            providers.values().forEach(WorkerProvider::close);
        }
    }
}
