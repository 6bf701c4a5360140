package io.nommer.core.service;

import io.nommer.core.encode.PlannedFile;
import io.nommer.core.fleet.Pricing;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Page;
import io.nommer.core.job.Task;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the farm did for whom, and what it cost: {@code GET /v1/usage}. The jobs created in a window are read page by
 * page through the jobs' creation index (nothing on the queue's path keeps a running total) and summed, in total
 * and by a key: the job's cloud or tenant, an output's preset, or a metadata field.
 *
 * <ul>
 *   <li>CPU seconds: every task's (a ladder's renditions included), as {@link io.nommer.core.job.Task#cpuSeconds()};
 *   <li>cost: each task's CPU seconds at its cloud's price when it finished ({@link Pricing}); CPU seconds of a cloud
 *       without a price are counted in {@code unpricedCpuSeconds} instead;
 *   <li>media in: the input's duration and size as probed, once per job (and per preset group the job is in);
 *   <li>media out: the probed duration of each output's video and audio files; an adaptive-streaming output (segments,
 *       an archive) counts the input's duration once, not once per rendition; bytes out: every published file.
 * </ul>
 */
public final class UsageService {
    /** The window when none is asked for: the last 30 days. */
    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

    private static final int PAGE = 1000;
    private static final Pattern METADATA_KEY = Pattern.compile("metadata\\.([A-Za-z0-9_.-]{1,64})");
    private static final Set<String> STREAMED_ROLES =
            Set.of(PlannedFile.SEGMENT, PlannedFile.MEDIA, PlannedFile.ARCHIVE);

    public static final String GROUP_BY_RULE =
            "group_by must be cloud, preset, tenant or metadata.KEY " + "(KEY: 1-64 of A-Z, a-z, 0-9, '_', '.', '-')";

    /** What a group (or the total) used: sums over the jobs created in the window. */
    public record Usage(
            long jobs,
            long outputs,
            double cpuSeconds,
            double mediaSecondsIn,
            double mediaSecondsOut,
            long bytesIn,
            long bytesOut,
            double cost,
            double unpricedCpuSeconds) {}

    /** @param key the group's value (a cloud, tenant, preset or metadata value); null for jobs that have none */
    public record Group(String key, Usage usage) {}

    /** @param groupBy as asked for; null when not grouped (then {@code groups} is empty) */
    public record Report(Instant from, Instant to, String groupBy, String tenant, Usage total, List<Group> groups) {}

    private final JobStore jobs;
    private final Supplier<Pricing> pricing;
    private final InstantSource clock;

    public UsageService(JobStore jobs, Supplier<Pricing> pricing, InstantSource clock) {
        this.jobs = jobs;
        this.pricing = pricing;
        this.clock = clock;
    }

    /**
     * @param from inclusive; null for 30 days before {@code to}
     * @param to exclusive; null for now
     * @param groupBy {@code cloud}, {@code preset}, {@code tenant}, {@code metadata.KEY} or null
     * @param tenant only this tenant's jobs; null for every tenant's
     * @throws ValidationException for a window that ends before it starts or an unknown grouping
     */
    public Report usage(Instant from, Instant to, String groupBy, String tenant) {
        Instant now = clock.instant();
        Instant end = to == null ? now : to;
        Instant start = from == null ? end.minus(DEFAULT_WINDOW) : from;
        if (!start.isBefore(end)) {
            throw new ValidationException("invalid_request", "from", "from must be before to");
        }
        Function<Job, List<Keyed>> keys = grouping(groupBy);
        Pricing prices = pricing.get();
        Tally total = new Tally();
        Map<String, Tally> groups = new HashMap<>();
        String cursor = null;
        do {
            Page<Job> page = jobs.list(new JobFilter(null, start, end, cursor, PAGE, tenant));
            for (Job job : page.items()) {
                total.add(job, job.tasks(), prices, now);
                if (keys != null) {
                    for (Keyed k : keys.apply(job)) {
                        groups.computeIfAbsent(k.key(), x -> new Tally()).add(job, k.tasks(), prices, now);
                    }
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        List<Group> grouped = new ArrayList<>();
        groups.forEach((key, tally) -> grouped.add(new Group(key, tally.usage())));
        grouped.sort(Comparator.comparing(Group::key, Comparator.nullsLast(Comparator.naturalOrder())));
        return new Report(start, end, groupBy, tenant, total.usage(), grouped);
    }

    /** A group's key and the tasks of a job that belong to it. */
    private record Keyed(String key, List<Task> tasks) {}

    private static Function<Job, List<Keyed>> grouping(String groupBy) {
        if (groupBy == null) {
            return null;
        }
        return switch (groupBy) {
            case "cloud" -> job -> List.of(new Keyed(job.cloud(), job.tasks()));
            case "tenant" -> job -> List.of(new Keyed(job.tenant(), job.tasks()));
            case "preset" -> UsageService::byPreset;
            default -> {
                var m = METADATA_KEY.matcher(groupBy);
                if (!m.matches()) {
                    throw new ValidationException("invalid_request", "group_by", GROUP_BY_RULE);
                }
                String field = m.group(1);
                yield job -> {
                    Object value = job.metadata().get(field);
                    return List.of(new Keyed(value == null ? null : String.valueOf(value), job.tasks()));
                };
            }
        };
    }

    /** An output's renditions (tasks of their own) go with the output, into its preset's group. */
    private static List<Keyed> byPreset(Job job) {
        Map<String, String> presetOf = new HashMap<>();
        for (Task t : job.tasks()) {
            if (!t.isPart()) {
                presetOf.put(t.name(), t.preset());
            }
        }
        Map<String, List<Task>> byPreset = new LinkedHashMap<>();
        for (Task t : job.tasks()) {
            byPreset.computeIfAbsent(presetOf.get(t.name()), p -> new ArrayList<>())
                    .add(t);
        }
        List<Keyed> keyed = new ArrayList<>();
        byPreset.forEach((preset, tasks) -> keyed.add(new Keyed(preset, tasks)));
        return keyed;
    }

    private static final class Tally {
        long jobs;
        long outputs;
        double cpuSeconds;
        double mediaSecondsIn;
        double mediaSecondsOut;
        long bytesIn;
        long bytesOut;
        double cost;
        double unpricedCpuSeconds;

        void add(Job job, List<Task> tasks, Pricing prices, Instant now) {
            jobs++;
            Double inputSeconds =
                    job.inputInfo() == null ? null : job.inputInfo().duration();
            if (job.inputInfo() != null) {
                bytesIn += job.inputInfo().size();
                mediaSecondsIn += inputSeconds == null ? 0 : inputSeconds;
            }
            for (Task t : tasks) {
                cpuSeconds += t.cpuSeconds();
                Double taskCost = prices.cost(job.cloud(), t, now);
                if (taskCost == null) {
                    unpricedCpuSeconds += t.cpuSeconds();
                } else {
                    cost += taskCost;
                }
                if (t.isPart()) {
                    continue;
                }
                outputs++;
                double probed = 0;
                boolean streamed = false;
                for (OutputFile f : t.files()) {
                    bytesOut += f.size();
                    if (f.duration() != null && ("video".equals(f.role()) || "audio".equals(f.role()))) {
                        probed += f.duration();
                    }
                    streamed |= STREAMED_ROLES.contains(f.role());
                }
                mediaSecondsOut += probed == 0 && streamed && inputSeconds != null ? inputSeconds : probed;
            }
        }

        Usage usage() {
            return new Usage(
                    jobs,
                    outputs,
                    cpuSeconds,
                    mediaSecondsIn,
                    mediaSecondsOut,
                    bytesIn,
                    bytesOut,
                    cost,
                    unpricedCpuSeconds);
        }
    }
}
