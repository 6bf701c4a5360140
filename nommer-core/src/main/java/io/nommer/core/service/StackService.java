package io.nommer.core.service;

import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.stack.Stack;
import io.nommer.core.stack.StackCatalog;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stacks as the API offers them: those the live workers report (from the fleet registry, so workers on other
 * machines count) and those configured here, with the default; and which queued outputs wait for a stack no live
 * worker has.
 */
public final class StackService {
    /**
     * How long {@link #waitingForStack} reuses the live workers it read: reading them also deletes stale ones (a
     * write), and clients poll queued jobs often.
     */
    static final Duration LIVE_WORKERS_REUSED = Duration.ofSeconds(1);

    private final FleetRegistry fleet;
    private final StackCatalog catalog;
    private final InstantSource clock;
    private volatile LiveWorkers live;

    private record LiveWorkers(Instant readAt, List<WorkerStatus> workers) {}

    /** @param clock for reusing the live workers a while; null reads them every time */
    public StackService(FleetRegistry fleet, StackCatalog catalog, InstantSource clock) {
        this.fleet = fleet;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The configured stacks and the default. */
    public StackCatalog catalog() {
        return catalog;
    }

    private List<WorkerStatus> liveWorkers() {
        if (clock == null) {
            return fleet.listWorkers(FleetService.WORKER_SEEN_WITHIN);
        }
        LiveWorkers l = live;
        Instant now = clock.instant();
        if (l == null || !now.isBefore(l.readAt().plus(LIVE_WORKERS_REUSED)) || now.isBefore(l.readAt())) {
            l = new LiveWorkers(now, fleet.listWorkers(FleetService.WORKER_SEEN_WITHIN));
            live = l;
        }
        return l.workers();
    }

    /**
     * A stack and how many live workers have it.
     *
     * @param stack as a live worker reports it, else as configured here
     * @param configured whether this server's configuration names it
     */
    public record Listed(Stack stack, int workers, boolean configured) {}

    /** @param defaultStack what outputs without a {@code stack} run on; null when there is none */
    public record Listing(String defaultStack, List<Listed> stacks) {}

    /** Every stack a live worker has or the configuration names, by name. */
    public Listing list() {
        Map<String, Stack> stacks = new LinkedHashMap<>();
        Map<String, Integer> workers = new LinkedHashMap<>();
        for (WorkerStatus w : fleet.listWorkers(FleetService.WORKER_SEEN_WITHIN)) {
            for (Stack s : w.stacks()) {
                stacks.putIfAbsent(s.name(), s);
                workers.merge(s.name(), 1, Integer::sum);
            }
        }
        catalog.configured().forEach(s -> stacks.putIfAbsent(s.name(), s));
        List<Listed> listed = new ArrayList<>();
        stacks.keySet().stream()
                .sorted()
                .forEach(name -> listed.add(new Listed(
                        stacks.get(name),
                        workers.getOrDefault(name, 0),
                        catalog.find(name).isPresent())));
        return new Listing(catalog.defaultStack(), listed);
    }

    /** @throws NotFoundException when no live worker has the stack and the configuration does not name it */
    public Listed get(String name) {
        return list().stacks().stream()
                .filter(l -> l.stack().name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("stack " + name));
    }

    /**
     * The outputs of {@code job} that wait for a stack: each whose task (or a rendition's) is queued, pinned to a stack
     * that no live worker of the job's cloud has (as read at most {@link #LIVE_WORKERS_REUSED} ago); by output name.
     */
    public Map<String, String> waitingForStack(Job job) {
        Map<String, String> waiting = new LinkedHashMap<>();
        List<WorkerStatus> inCloud = null;
        for (Task t : job.tasks()) {
            if (t.state() != JobState.QUEUED || t.stack() == null || waiting.containsKey(t.name())) {
                continue;
            }
            if (inCloud == null) {
                inCloud = liveWorkers().stream()
                        .filter(w -> w.clouds().contains(job.cloud()))
                        .toList();
            }
            if (inCloud.stream().noneMatch(w -> w.takes(t.stack()))) {
                waiting.put(t.name(), t.stack());
            }
        }
        return waiting;
    }
}
