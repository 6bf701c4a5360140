package io.nommer.bench;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.scaling.CloudLoad;
import io.nommer.core.scaling.ScalingDecision;
import io.nommer.core.scaling.ScalingRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The scaler's rule ({@link ScalingRule}) replayed against a day of arrivals with simulated workers, to see what it
 * costs and how long jobs wait. Not a test: it prints figures and asserts nothing.
 *
 * <p>The day, in jobs per minute: a quiet night (0.5 from midnight to 07:00), a ramp to 3 by 09:00, a working day of
 * 3 rising to 4 at 14:00, an evening falling back to 0.5 by midnight, and at 19:00 a burst of 100 times the night's
 * rate (50 a minute) for 20 minutes, as Panda saw on holidays. Arrivals are a Poisson process at that rate. Each job
 * is one task whose encode takes a log-normal time (median 90 s, sigma 0.6, at most 20 minutes) on one slot.
 *
 * <p>Workers take {@code startup} seconds from being started to claiming (a process: seconds; a pod or an EC2
 * instance: a minute or more), then claim oldest first. Those started above {@code min_workers} exit after
 * {@code exit_when_idle} without a task. The scaler looks every 10 seconds, as {@code nommer serve} does.
 *
 * <p>Reported per policy: worker-hours used (every worker from start to exit, start-up included) against the ideal
 * (the encode time divided by the slots per worker, as if workers existed exactly while busy), the 50th, 95th
 * percentile and maximum of the queue wait (arrival to start), how many times the scaler started or stopped workers
 * and how many it started, and the most workers at once.
 *
 * <p>Usage: {@code java -cp ... io.nommer.bench.ScalerSimulation [seed]}.
 */
public final class ScalerSimulation {
    private static final int DAY = 24 * 3600;
    private static final int TICK = 10;
    private static final int BURST_START = 19 * 3600;
    private static final int BURST_SECONDS = 20 * 60;
    private static final double NIGHT = 0.5;

    private ScalerSimulation() {}

    /** Jobs per minute at second {@code t} of the day. */
    static double rate(int t) {
        double h = t / 3600.0;
        double base;
        if (h < 7) {
            base = NIGHT;
        } else if (h < 9) {
            base = NIGHT + (3 - NIGHT) * (h - 7) / 2;
        } else if (h < 17) {
            base = 3 + Math.max(0, 1 - Math.abs(h - 14) / 3);
        } else {
            base = 3 - (3 - NIGHT) * (h - 17) / 7;
        }
        return t >= BURST_START && t < BURST_START + BURST_SECONDS ? 100 * NIGHT : base;
    }

    record Job(int arrival, int duration) {}

    record Result(
            double workerHours,
            double idealHours,
            int p50,
            int p95,
            int maxWait,
            int actions,
            int started,
            int peak,
            int jobs) {}

    /** The day's jobs: a Poisson process at {@link #rate}, drawn by thinning at the day's highest rate. */
    static List<Job> arrivals(long seed) {
        Random random = new Random(seed);
        double max = 100 * NIGHT / 60.0; // per second
        List<Job> jobs = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / max;
            if (t >= DAY) {
                return jobs;
            }
            if (random.nextDouble() < rate((int) t) / 60.0 / max) {
                double seconds = Math.min(1200, 90 * Math.exp(0.6 * random.nextGaussian()));
                jobs.add(new Job((int) t, Math.max(1, (int) Math.round(seconds))));
            }
        }
    }

    private static final class Worker {
        final int started;
        final int ready;
        final boolean permanent;
        final List<Integer> busyUntil = new ArrayList<>();
        int idleSince;
        int exited = -1;

        Worker(int started, int ready, boolean permanent) {
            this.started = started;
            this.ready = ready;
            this.permanent = permanent;
            this.idleSince = ready;
        }
    }

    static Result run(List<Job> day, ScalingPolicy policy, int startup) {
        Instant epoch = Instant.parse("2026-12-05T00:00:00Z");
        Deque<Job> queue = new ArrayDeque<>();
        List<Worker> workers = new ArrayList<>();
        List<Integer> waits = new ArrayList<>();
        int next = 0;
        int actions = 0;
        int started = 0;
        int peak = 0;
        Instant lastScaleUp = null;
        long encodeSeconds = 0;
        int t = 0;
        for (; t < DAY || !queue.isEmpty() || workers.stream().anyMatch(w -> !w.busyUntil.isEmpty()); t++) {
            while (next < day.size() && day.get(next).arrival() <= t) {
                queue.add(day.get(next++));
            }
            for (Worker w : workers) {
                if (w.exited >= 0) {
                    continue;
                }
                int now = t;
                if (w.busyUntil.removeIf(done -> done <= now) && w.busyUntil.isEmpty()) {
                    w.idleSince = t;
                }
                while (t >= w.ready && w.busyUntil.size() < policy.slotsPerWorker() && !queue.isEmpty()) {
                    Job job = queue.poll();
                    waits.add(t - job.arrival());
                    encodeSeconds += job.duration();
                    w.busyUntil.add(t + job.duration());
                }
                if (!w.permanent
                        && t >= w.ready
                        && w.busyUntil.isEmpty()
                        && t - w.idleSince >= policy.exitWhenIdle().toSeconds()) {
                    w.exited = t;
                }
            }
            if (t % TICK == 0) {
                int now = t;
                List<Worker> alive = workers.stream().filter(w -> w.exited < 0).toList();
                int running = alive.stream().mapToInt(w -> w.busyUntil.size()).sum();
                int idle = (int) alive.stream()
                        .filter(w -> now >= w.ready && w.busyUntil.isEmpty())
                        .count();
                ScalingDecision d = ScalingRule.decide(
                        policy,
                        new CloudLoad(queue.size(), running, alive.size(), idle),
                        epoch.plusSeconds(t),
                        lastScaleUp);
                if (d.acts()) {
                    actions++;
                }
                for (int i = 0; i < d.start(); i++) {
                    boolean permanent = alive.size() + i < policy.minWorkers();
                    workers.add(new Worker(t, t + startup, permanent));
                }
                if (d.start() > 0) {
                    started += d.start();
                    lastScaleUp = epoch.plusSeconds(t);
                }
                int stop = d.stop();
                for (Worker w : alive) {
                    if (stop > 0 && t >= w.ready && w.busyUntil.isEmpty() && !w.permanent) {
                        w.exited = t;
                        stop--;
                    }
                }
                peak = Math.max(
                        peak, (int) workers.stream().filter(w -> w.exited < 0).count());
            }
        }
        double workerSeconds = 0;
        for (Worker w : workers) {
            workerSeconds += (w.exited >= 0 ? w.exited : t) - w.started;
        }
        int[] sorted = waits.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Result(
                workerSeconds / 3600,
                encodeSeconds / (double) policy.slotsPerWorker() / 3600,
                percentile(sorted, 50),
                percentile(sorted, 95),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                actions,
                started,
                peak,
                day.size());
    }

    private static int percentile(int[] sorted, int p) {
        return sorted.length == 0
                ? 0
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        List<Job> day = arrivals(seed);
        long burst = day.stream()
                .filter(j -> j.arrival() >= BURST_START && j.arrival() < BURST_START + BURST_SECONDS)
                .count();
        System.out.printf(
                Locale.ROOT,
                "a day of %d jobs (seed %d), %d of them in the 20-minute burst at 19:00; encodes: median 90 s%n",
                day.size(),
                seed,
                burst);
        System.out.println(
                "startup  min  max  slots  cooldown  idle-exit  worker-h  ideal-h  ratio  wait p50  p95   max    actions  started  peak");
        int[] startups = {5, 90};
        for (int startup : startups) {
            for (Duration cooldown : List.of(Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(180))) {
                for (Duration idle : List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15))) {
                    ScalingPolicy policy = new ScalingPolicy("local", 1, 40, 2, cooldown, idle);
                    Result r = run(day, policy, startup);
                    System.out.printf(
                            Locale.ROOT,
                            "%5d s  %3d  %3d  %5d  %6d s  %7d s  %8.1f  %7.1f  %5.2f  %6d s  %4d  %5d  %7d  %7d  %4d%n",
                            startup,
                            policy.minWorkers(),
                            policy.maxWorkers(),
                            policy.slotsPerWorker(),
                            cooldown.toSeconds(),
                            idle.toSeconds(),
                            r.workerHours(),
                            r.idealHours(),
                            r.workerHours() / r.idealHours(),
                            r.p50(),
                            r.p95(),
                            r.maxWait(),
                            r.actions(),
                            r.started(),
                            r.peak());
                }
            }
        }
        System.out.println("worker-h: every worker from its start to its exit (or the end of the day's work); ideal-h:"
                + " encode time / slots per worker; wait: arrival to start; actions: scaler decisions that started or"
                + " stopped workers");
    }
}
