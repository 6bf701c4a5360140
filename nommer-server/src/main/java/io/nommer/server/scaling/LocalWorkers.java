package io.nommer.server.scaling;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.scaling.WorkerProvider;
import io.nommer.server.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} provider: {@code nommer worker} processes on the orchestrator's own host, with the orchestrator's
 * store, storage and data settings, so that the embedded default (SQLite and local files) grows from no workers to
 * many processes and back. Each worker logs to {@code DATA/workers/CLOUD-PID.log}.
 *
 * <p>They are ordinary workers: they talk only to the store and the storage, and outlive the orchestrator if it is
 * killed (those started above {@code min_workers} then exit when idle; the others run until stopped). When the
 * orchestrator stops normally it sends its workers SIGTERM, and they finish what they run first.
 */
public final class LocalWorkers implements WorkerProvider {
    private static final Logger log = LoggerFactory.getLogger(LocalWorkers.class);

    private final List<String> command;
    private final Map<String, String> settings;
    private final Path logs;

    private final Map<String, Map<String, Process>> byCloud = new ConcurrentHashMap<>();
    private final ExitedWorkers exited = new ExitedWorkers();

    /**
     * @param command what runs {@code nommer worker}, e.g. {@code java -cp nommer-all.jar io.nommer.cli.Main worker}
     * @param settings passed to each worker as {@code --NAME VALUE} (the orchestrator's store, storage, data...);
     *     {@code clouds}, {@code workers} and {@code exit_when_idle} are the scaler's
     * @param logs the folder the workers log into
     */
    public LocalWorkers(List<String> command, Map<String, String> settings, Path logs) {
        this.command = List.copyOf(command);
        Map<String, String> own = new LinkedHashMap<>(settings);
        own.keySet().removeAll(Set.of("clouds", "workers", "slots", "exit_when_idle", "port", "bind", "worker_id"));
        this.settings = own;
        this.logs = logs;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Set<String> alive(String cloud) {
        Map<String, Process> workers = byCloud.getOrDefault(cloud, Map.of());
        Instant now = Instant.now();
        workers.entrySet().removeIf(e -> {
            if (e.getValue().isAlive()) {
                return false;
            }
            exited.exited(cloud, e.getKey(), now);
            return true;
        });
        exited.expire(cloud, now);
        return new TreeSet<>(workers.keySet());
    }

    @Override
    public Set<String> exited(String cloud) {
        return exited.of(cloud);
    }

    @Override
    public void start(String cloud, ScalingPolicy policy, int count, boolean permanent) {
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the workers' log folder " + logs, e);
        }
        for (int i = 0; i < count; i++) {
            List<String> cmd = new ArrayList<>(command);
            settings.forEach((k, v) -> cmd.addAll(List.of("--" + k, v)));
            cmd.addAll(List.of("--clouds", cloud, "--slots", Integer.toString(policy.slotsPerWorker())));
            if (!permanent) {
                cmd.addAll(List.of("--exit-when-idle", policy.exitWhenIdle().toSeconds() + "s"));
            }
            Process p;
            try {
                Path log = Files.createTempFile(logs, cloud + "-", ".log");
                p = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                // why: named after the worker's process, as its id is, once the process exists (it writes on)
                Files.move(log, logs.resolve(cloud + "-" + p.pid() + ".log"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start a worker (" + String.join(" ", command) + "): " + e, e);
            }
            String id = WorkerProcess.workerId(p.pid());
            byCloud.computeIfAbsent(cloud, c -> new ConcurrentHashMap<>()).put(id, p);
            log.info(
                    "started worker {} for cloud {} ({} slot(s), {})",
                    id,
                    cloud,
                    policy.slotsPerWorker(),
                    permanent
                            ? "kept running"
                            : "exits after " + policy.exitWhenIdle().toSeconds() + " s idle");
        }
    }

    @Override
    public boolean stop(String workerId) {
        for (Map<String, Process> workers : byCloud.values()) {
            Process p = workers.get(workerId);
            if (p != null) {
                p.destroy(); // SIGTERM: the worker stops claiming and finishes what it runs
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        byCloud.values().forEach(workers -> workers.values().forEach(Process::destroy));
    }
}
