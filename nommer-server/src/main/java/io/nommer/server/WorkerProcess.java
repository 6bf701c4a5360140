package io.nommer.server;

import io.nommer.core.encode.EncoderPlugins;
import io.nommer.core.worker.Worker;
import io.nommer.ffmpeg.LiveProcesses;
import io.nommer.server.config.ServerConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nommer worker}: encodes tasks from the Store with inputs and outputs in Storage. It opens no port and never
 * talks to an orchestrator (DESIGN.md); with {@code exit_when_idle} it exits after that long without work, so its
 * machine can go away.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    /** Beyond the grace: the worker cancels what is left, waits for its slots and closes the store and storage. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(30);

    private final ServerConfig config;
    private final Backends backends;
    private final Worker worker;
    /** Keeps the JVM's shutdown hook from killing ffmpeg while {@link #close()} gives it its grace (SIGTERM). */
    private final LiveProcesses.Deferral processKill;

    private final CountDownLatch exited = new CountDownLatch(1);
    private volatile boolean closed;

    private WorkerProcess(ServerConfig config, Backends backends, Worker worker) {
        this.config = config;
        this.backends = backends;
        this.worker = worker;
        this.processKill = LiveProcesses.deferKill(config.shutdownGrace().plus(STOP_MARGIN));
    }

    /** Starts the worker's slots ({@code workers} setting) and, with {@code exit_when_idle}, its idle watch. */
    public static WorkerProcess start(ServerConfig config) {
        log.info("starting nommer worker: {}", config);
        if (config.workers() < 1) {
            throw new IllegalArgumentException("a worker needs at least one slot (setting workers / --slots)");
        }
        // why: before the store is opened, so that a missing ffmpeg or a broken plug-in stops nothing half-started;
        // an encoder that reads no input (null) needs no ffmpeg, so a machine measuring the orchestration needs none
        EncoderPlugins plugins = Backends.encoders(config);
        Toolchains toolchains = plugins.require(config.encoder()).needsInput() ? Toolchains.detect(config) : null;
        Backends.WorkerEncoder encoder =
                Backends.workerEncoder(config, plugins, toolchains, Backends.processes(config));
        Backends backends = Backends.open(config);
        Worker worker = backends.startWorker(
                config.workerId() != null
                        ? config.workerId()
                        : workerId(ProcessHandle.current().pid()),
                encoder,
                backends.store().queue());
        WorkerProcess p = new WorkerProcess(config, backends, worker);
        if (config.exitWhenIdle() != null) {
            Thread.ofPlatform().name("nommer-idle-watch").daemon().start(() -> p.watchIdle(config.exitWhenIdle()));
        }
        return p;
    }

    private void watchIdle(Duration limit) {
        long idleSince = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (worker.activeTasks() > 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince >= limit.toNanos()) {
                log.info("no work for {}; exiting (exit_when_idle)", limit);
                close();
                return;
            }
        }
    }

    /** Blocks until the worker has stopped (idle exit or {@link #close()}). */
    public void awaitExit() throws InterruptedException {
        exited.await();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int activeTasks() {
        return worker.activeTasks();
    }

    /** How long running encodes may take to finish when the worker is closed ({@code shutdown_grace_seconds}). */
    public Duration shutdownGrace() {
        return config.shutdownGrace();
    }

    /** Stops claiming, lets running encodes finish within {@link #shutdownGrace()}, releases the rest, and exits. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            worker.stop(config.shutdownGrace());
            backends.close();
        } finally {
            processKill.close();
            exited.countDown();
        }
    }

    /** The id a worker process with {@code pid} on this host reports itself by. */
    public static String workerId(long pid) {
        String host = Worker.hostName();
        return "worker-" + (host == null ? "unknown" : host) + "-" + pid;
    }
}
