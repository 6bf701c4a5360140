package io.nommer.core.service;

import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.stack.Stack;
import io.nommer.core.stack.StackCatalog;
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
    private final FleetRegistry fleet;
    private final StackCatalog catalog;

    public StackService(FleetRegistry fleet, StackCatalog catalog) {
        this.fleet = fleet;
        this.catalog = catalog;
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
     * that no live worker of the job's cloud has; by output name.
     */
    public Map<String, String> waitingForStack(Job job) {
        Map<String, String> waiting = new LinkedHashMap<>();
        List<WorkerStatus> live = null;
        for (Task t : job.tasks()) {
            if (t.state() != JobState.QUEUED || t.stack() == null || waiting.containsKey(t.name())) {
                continue;
            }
            if (live == null) {
                live = fleet.listWorkers(FleetService.WORKER_SEEN_WITHIN).stream()
                        .filter(w -> w.clouds().contains(job.cloud()))
                        .toList();
            }
            if (live.stream().noneMatch(w -> w.takes(t.stack()))) {
                waiting.put(t.name(), t.stack());
            }
        }
        return waiting;
    }
}
