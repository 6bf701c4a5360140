package io.nommer.server;

import io.nommer.core.encode.EncoderPlugins;
import io.nommer.core.worker.Worker;
import io.nommer.ffmpeg.LiveProcesses;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.scaling.ec2.Ec2IdleTermination;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nommer worker}: encodes tasks from the Store with inputs and outputs in Storage. It opens no port and never
 * talks to an orchestrator (DESIGN.md); with {@code exit_when_idle} it exits after that long without work, so its
 * machine can go away. On EC2, with {@code ec2_terminate_when_idle}, it then terminates its own instance
 * ({@link Ec2IdleTermination}).
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

    /** What an idle exit does once the worker has stopped: nothing, or terminating its EC2 instance. */
    private final Runnable afterIdleExit;

    private final CountDownLatch exited = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile RuntimeException failure;

    private WorkerProcess(ServerConfig config, Backends backends, Worker worker, Runnable afterIdleExit) {
        this.config = config;
        this.backends = backends;
        this.worker = worker;
        this.afterIdleExit = afterIdleExit;
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
        // why: also before the store is opened; on EC2 the worker is known by its instance id, asked of IMDS here
        Ec2IdleTermination ec2 = Ec2IdleTermination.forWorker(config).orElse(null);
        String id = config.workerId() != null
                ? config.workerId()
                : ec2 != null
                        ? ec2.instanceId()
                        : workerId(ProcessHandle.current().pid());
        Backends backends = Backends.open(config);
        Worker worker = backends.startWorker(id, encoder, backends.store().queue());
        WorkerProcess p = new WorkerProcess(config, backends, worker, ec2 == null ? () -> {} : ec2::terminate);
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
                try {
                    close(afterIdleExit);
                } catch (RuntimeException e) {
                    log.error(
                            "the worker stopped, but its idle exit failed; it exits with a non-zero status (on EC2"
                                    + " systemd starts it again, and the instance keeps serving): {}",
                            e.getMessage());
                }
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

    /**
     * Why stopping failed (an idle exit's last step, such as AWS refusing to terminate the instance at its group's
     * MinSize), or null; {@code nommer worker} then exits with a non-zero status.
     */
    public RuntimeException failure() {
        return failure;
    }

    /** Stops claiming, lets running encodes finish within {@link #shutdownGrace()}, releases the rest, and exits. */
    @Override
    public void close() {
        close(() -> {});
    }

    /** {@link #close()}, then {@code then}, before {@link #awaitExit()} returns. */
    private synchronized void close(Runnable then) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            worker.stop(config.shutdownGrace());
            backends.close();
            then.run();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
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
