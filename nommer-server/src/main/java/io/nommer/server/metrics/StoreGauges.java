package io.nommer.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.JobState;
import io.nommer.core.metrics.QueueBand;
import io.nommer.core.metrics.StoreMetrics;
import io.nommer.core.metrics.WorkTotal;
import io.nommer.core.metrics.WorkTotal.Kind;
import io.nommer.core.profile.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics read from the store rather than counted by this process: totals of the work submitted and finished
 * (whoever did it: this orchestrator's workers or workers on other machines), the queue, the workers. Every
 * orchestrator on one store exports the same numbers, and a restarted one the same as before.
 *
 * <p>Why a cached read: a scrape reads the store at most every {@link #REFRESH} (Prometheus scrapes every 15 to 60
 * seconds; several Prometheus servers, or a person reloading {@code /metrics}, then cost one read, not one each). The
 * read costs what was submitted and finished since the last fold and the tasks queued or running now, never the
 * store's size (see {@link StoreMetrics}); the queue's path writes nothing for it.
 */
final class StoreGauges {
    private static final Logger log = LoggerFactory.getLogger(StoreGauges.class);
    /** The longest a scrape shows store figures from before; also the least time between two reads of the store. */
    static final Duration REFRESH = Duration.ofSeconds(15);
    /** Workers that reported within this long are counted (as {@code GET /v1/workers} lists them). */
    static final Duration WORKERS_SEEN_WITHIN = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final StoreMetrics store;
    private final FleetRegistry fleet;
    private final ReentrantLock refreshing = new ReentrantLock();
    private final Timer refreshTimer;
    /** When the store is read next ({@link System#nanoTime()}): at once, at first. */
    private volatile long nextRefresh = System.nanoTime();
    /** Each total as last read; never lower than before within this process, so that counters never go down. */
    private final Map<WorkTotal.Key, WorkTotal> totals = new ConcurrentHashMap<>();
    /** The keys whose counters are registered (reading 0 until the store has a total for them). */
    private final Set<WorkTotal.Key> registered = ConcurrentHashMap.newKeySet();
    /** The states a job or an output ends in. */
    private static final List<JobState> END_STATES =
            Arrays.stream(JobState.values()).filter(JobState::terminal).toList();

    private final MultiGauge queueTasks;
    private final MultiGauge oldestQueued;
    private final MultiGauge workers;
    private final MultiGauge slots;
    private final MultiGauge busySlots;
    private final MultiGauge scalingWorkers;
    /** Each scaled cloud's status as last read, for its counters; a cloud no longer scaled keeps its last. */
    private final Map<String, ScalingStatus> scaling = new ConcurrentHashMap<>();

    StoreGauges(MeterRegistry registry, StoreMetrics store, FleetRegistry fleet) {
        this.registry = registry;
        this.store = store;
        this.fleet = fleet;
        this.refreshTimer = Timer.builder("nommer.store.metrics.refresh")
                .description("How long reading the store's figures for /metrics took")
                .register(registry);
        this.queueTasks = MultiGauge.builder("nommer.queue.tasks")
                .description("Tasks queued or running now, by cloud, job priority and state")
                .register(registry);
        this.oldestQueued = MultiGauge.builder("nommer.queue.oldest.age")
                .baseUnit("seconds")
                .description("How long the longest-waiting queued task of a cloud and priority has been waiting")
                .register(registry);
        this.workers = MultiGauge.builder("nommer.workers")
                .description("Workers that reported in the last minute, by cloud (a worker serving two clouds counts "
                        + "in each)")
                .register(registry);
        this.slots = MultiGauge.builder("nommer.worker.slots")
                .description("Encode slots of those workers, by cloud")
                .register(registry);
        this.busySlots = MultiGauge.builder("nommer.worker.slots.busy")
                .description("Slots running a task now, by cloud")
                .register(registry);
        this.scalingWorkers = MultiGauge.builder("nommer.scaling.workers")
                .description("The scaler's last look at each scaled cloud: the workers it wanted (desired) and had "
                        + "(current, those starting included)")
                .register(registry);
    }

    /** Reads the store again unless it was read within {@link #REFRESH}; a failed read keeps the last figures. */
    void refreshIfStale() {
        if (System.nanoTime() - nextRefresh < 0) {
            return;
        }
        // why: a scrape that finds another one reading the store (the first read after an upgrade folds the whole
        // history) answers the last figures at once rather than wait past Prometheus' scrape timeout
        if (!refreshing.tryLock()) {
            return;
        }
        try {
            if (System.nanoTime() - nextRefresh < 0) {
                return; // another scrape has just refreshed
            }
            refreshTimer.record(this::refresh);
            nextRefresh = System.nanoTime() + REFRESH.toNanos();
        } catch (RuntimeException e) {
            // why: a scrape still answers (the process's own metrics, the last store figures); the log says why
            log.warn("reading the store's figures for /metrics failed; showing the last ones: {}", e.toString());
        } finally {
            refreshing.unlock();
        }
    }

    private void refresh() {
        List<Cloud> clouds = fleet.listClouds();
        for (Cloud cloud : clouds) {
            registerWithCompanions(new WorkTotal.Key(Kind.JOBS_SUBMITTED, cloud.name(), "", ""));
        }
        for (WorkTotal t : store.totals()) {
            totals.merge(t.key(), t, StoreGauges::atLeast);
            registerWithCompanions(t.key());
        }
        List<MultiGauge.Row<?>> tasks = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        // why: every cloud's every priority, 0 when empty, so that a queue that drains shows 0 rather than vanish
        Map<List<Object>, QueueBand> bands = new LinkedHashMap<>();
        for (Cloud cloud : clouds) {
            for (Priority p : Priority.values()) {
                bands.put(List.of(cloud.name(), p), new QueueBand(cloud.name(), p, 0, 0, Duration.ZERO));
            }
        }
        for (QueueBand b : store.queue()) {
            bands.put(List.of(b.cloud(), b.priority()), b);
        }
        for (QueueBand b : bands.values()) {
            Tags band = Tags.of("cloud", b.cloud(), "priority", b.priority().wireName());
            tasks.add(MultiGauge.Row.of(band.and("state", "queued"), b.queued()));
            tasks.add(MultiGauge.Row.of(band.and("state", "running"), b.running()));
            ages.add(MultiGauge.Row.of(band, b.oldestQueued().toMillis() / 1000.0));
        }
        queueTasks.register(tasks, true);
        oldestQueued.register(ages, true);
        Map<String, long[]> byCloud = new TreeMap<>();
        for (WorkerStatus w : fleet.listWorkers(WORKERS_SEEN_WITHIN)) {
            for (String cloud : w.clouds()) {
                long[] v = byCloud.computeIfAbsent(cloud, k -> new long[3]);
                v[0]++;
                v[1] += w.slots();
                v[2] += w.active();
            }
        }
        workers.register(rows(byCloud, 0), true);
        slots.register(rows(byCloud, 1), true);
        busySlots.register(rows(byCloud, 2), true);
        List<MultiGauge.Row<?>> scaled = new ArrayList<>();
        for (Cloud cloud : clouds) {
            ScalingStatus status = cloud.scaling() == null ? null : cloud.scalingStatus();
            if (status == null) {
                continue;
            }
            if (scaling.put(cloud.name(), status) == null) {
                registerScaling(cloud.name());
            }
            scaled.add(MultiGauge.Row.of(Tags.of("cloud", cloud.name(), "of", "desired"), status.desired()));
            scaled.add(MultiGauge.Row.of(Tags.of("cloud", cloud.name(), "of", "current"), status.current()));
        }
        scalingWorkers.register(scaled, true);
    }

    /**
     * The scaler's counts for a cloud, as its status in the store keeps them (so every orchestrator exports the same):
     * decisions that started or stopped workers, and the workers started and stopped. They start again from 0 when the
     * cloud's policy is set anew, which Prometheus reads as a counter reset.
     */
    private void registerScaling(String cloud) {
        Map<String, ToDoubleFunction<ScalingStatus>> counts = new LinkedHashMap<>();
        counts.put("nommer.scaling.decisions", ScalingStatus::decisions);
        counts.put("nommer.scaling.workers.started", ScalingStatus::started);
        counts.put("nommer.scaling.workers.stopped", ScalingStatus::stopped);
        counts.forEach((name, field) -> FunctionCounter.builder(name, scaling, m -> {
                    ScalingStatus st = m.get(cloud);
                    return st == null ? 0 : field.applyAsDouble(st);
                })
                .description("The scaler's "
                        + name.substring("nommer.scaling.".length()).replace('.', ' ')
                        + ", by cloud (decisions: those that started or stopped workers)")
                .tags(Tags.of("cloud", cloud))
                .register(registry));
    }

    private static List<MultiGauge.Row<?>> rows(Map<String, long[]> byCloud, int field) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byCloud.forEach((cloud, v) -> rows.add(MultiGauge.Row.of(Tags.of("cloud", cloud), v[field])));
        return rows;
    }

    /**
     * {@code now}, but no field lower than {@code before}'s: a store total may dip for a moment (a job that finished
     * within the last minute and was retried at once is no longer counted as finished until it finishes again).
     */
    private static WorkTotal atLeast(WorkTotal before, WorkTotal now) {
        return new WorkTotal(
                now.kind(),
                now.cloud(),
                now.preset(),
                now.state(),
                Math.max(before.count(), now.count()),
                Math.max(before.bytes(), now.bytes()),
                Math.max(before.cpuSeconds(), now.cpuSeconds()),
                Math.max(before.encodeSeconds(), now.encodeSeconds()),
                Math.max(before.waitSeconds(), now.waitSeconds()));
    }

    /**
     * Registers the counters of {@code key} and of its companions at 0: for a cloud, its jobs in every end state; for a
     * cloud and preset, its outputs submitted and in every end state. Why: Prometheus' {@code increase} and
     * {@code rate} do not count a series' first sample, so a counter that first appears at 1 (the first failure of a
     * preset) would never show that failure.
     */
    private void registerWithCompanions(WorkTotal.Key key) {
        List<WorkTotal.Key> keys = new ArrayList<>();
        switch (key.kind()) {
            case JOBS_SUBMITTED, JOBS_FINISHED -> {
                keys.add(new WorkTotal.Key(Kind.JOBS_SUBMITTED, key.cloud(), "", ""));
                for (JobState s : END_STATES) {
                    keys.add(new WorkTotal.Key(Kind.JOBS_FINISHED, key.cloud(), "", s.wireName()));
                }
            }
            case OUTPUTS_SUBMITTED, OUTPUTS_FINISHED -> {
                keys.add(new WorkTotal.Key(Kind.OUTPUTS_SUBMITTED, key.cloud(), key.preset(), ""));
                for (JobState s : END_STATES) {
                    keys.add(new WorkTotal.Key(Kind.OUTPUTS_FINISHED, key.cloud(), key.preset(), s.wireName()));
                }
            }
        }
        for (WorkTotal.Key k : keys) {
            if (registered.add(k)) {
                register(k);
            }
        }
    }

    /** The counters one total feeds, each reading the latest figures. */
    private void register(WorkTotal.Key key) {
        switch (key.kind()) {
            case JOBS_SUBMITTED ->
                counter(
                        "nommer.jobs.submitted",
                        null,
                        "Jobs submitted, by cloud",
                        key,
                        Tags.of("cloud", key.cloud()),
                        WorkTotal::count);
            case OUTPUTS_SUBMITTED ->
                counter(
                        "nommer.outputs.submitted",
                        null,
                        "Outputs of the jobs submitted, by cloud and preset",
                        key,
                        Tags.of("cloud", key.cloud(), "preset", key.preset()),
                        WorkTotal::count);
            case JOBS_FINISHED -> {
                Tags tags = Tags.of("cloud", key.cloud(), "state", key.state());
                counter(
                        "nommer.jobs.finished",
                        null,
                        "Jobs that finished, by cloud and state (succeeded, failed, cancelled)",
                        key,
                        tags,
                        WorkTotal::count);
                counter(
                        "nommer.input",
                        "bytes",
                        "Size of the inputs of the jobs that finished, as probed",
                        key,
                        tags,
                        WorkTotal::bytes);
            }
            case OUTPUTS_FINISHED -> {
                Tags tags = Tags.of("cloud", key.cloud(), "preset", key.preset(), "state", key.state());
                counter(
                        "nommer.outputs.finished",
                        null,
                        "Outputs of the jobs that finished, by cloud, preset and the output's state",
                        key,
                        tags,
                        WorkTotal::count);
                counter(
                        "nommer.output",
                        "bytes",
                        "Size of the files the outputs published",
                        key,
                        tags,
                        WorkTotal::bytes);
                counter(
                        "nommer.cpu",
                        "seconds",
                        "CPU seconds ffmpeg spent on the outputs (renditions of a ladder included)",
                        key,
                        tags,
                        WorkTotal::cpuSeconds);
                counter(
                        "nommer.encode",
                        "seconds",
                        "Wall seconds from each task's first start to its finish",
                        key,
                        tags,
                        WorkTotal::encodeSeconds);
                counter(
                        "nommer.queue.wait",
                        "seconds",
                        "Seconds the outputs waited from their submission to their first start",
                        key,
                        tags,
                        WorkTotal::waitSeconds);
            }
        }
    }

    private void counter(
            String name,
            String unit,
            String description,
            WorkTotal.Key key,
            Tags tags,
            ToDoubleFunction<WorkTotal> field) {
        FunctionCounter.builder(name, totals, m -> {
                    WorkTotal t = m.get(key);
                    return t == null ? 0 : field.applyAsDouble(t);
                })
                .baseUnit(unit)
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
