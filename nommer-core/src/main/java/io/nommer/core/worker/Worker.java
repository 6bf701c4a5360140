package io.nommer.core.worker;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaProber;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.OutputPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims tasks from the {@link TaskQueue}, fetches inputs, probes them, encodes, publishes outputs and records the result.
 * It talks only to the Store and Storage, never to an orchestrator (DESIGN.md), so the same class runs in-process under
 * {@code nommer serve} and standalone as {@code nommer worker}.
 *
 * <p>Each task runs in its own working directory, removed afterwards. A heartbeat thread extends the leases of running
 * tasks and stores their throttled progress; when a heartbeat is refused (the job was cancelled, or the lease was lost
 * to another worker) the task's encode is cancelled, which kills ffmpeg. Results are written with the lease token, so
 * a worker that lost its lease changes nothing.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final String SHUTDOWN = "worker shutting down";
    private final WorkerConfig config;
    private final TaskQueue queue;
    private final FleetRegistry fleet;
    private final QueueSignal signal;
    private final Encoder encoder;
    private final MediaProber prober;
    /** The stacks this worker has, the first its default; empty: it takes tasks of any stack with {@link #encoder}. */
    private final List<StackTools> stacks;

    private final OutputProducer producer;
    private final InstantSource clock;
    private final String host = hostName();
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped;
    private volatile boolean stopping;

    public Worker(
            WorkerConfig config,
            TaskQueue queue,
            JobStore jobs,
            FleetRegistry fleet,
            QueueSignal signal,
            InputFetcher inputs,
            MediaProber prober,
            Encoder encoder,
            OutputPublisher outputs,
            InstantSource clock) {
        this(config, queue, jobs, fleet, signal, inputs, prober, encoder, List.of(), outputs, clock);
    }

    /**
     * A worker with these stacks: it claims only tasks pinned to one of them (or to none), runs each with its stack's
     * encoder and prober (a task pinned to none with the first stack's), and reports them to the fleet registry.
     */
    public Worker(
            WorkerConfig config,
            TaskQueue queue,
            JobStore jobs,
            FleetRegistry fleet,
            QueueSignal signal,
            InputFetcher inputs,
            List<StackTools> stacks,
            OutputPublisher outputs,
            InstantSource clock) {
        this(
                config,
                queue,
                jobs,
                fleet,
                signal,
                inputs,
                stacks.get(0).prober(),
                stacks.get(0).encoder(),
                stacks,
                outputs,
                clock);
    }

    private Worker(
            WorkerConfig config,
            TaskQueue queue,
            JobStore jobs,
            FleetRegistry fleet,
            QueueSignal signal,
            InputFetcher inputs,
            MediaProber prober,
            Encoder encoder,
            List<StackTools> stacks,
            OutputPublisher outputs,
            InstantSource clock) {
        this.config = config;
        this.queue = queue;
        this.fleet = fleet;
        this.signal = signal;
        this.encoder = encoder;
        this.prober = prober;
        this.stacks = List.copyOf(stacks);
        this.producer = new OutputProducer(config, queue, jobs, inputs, outputs);
        this.clock = clock;
        this.stopped = new CountDownLatch(config.slots());
    }

    /** The names of the stacks this worker claims for; null for any (a worker without stacks). */
    private List<String> stackNames() {
        return stacks.isEmpty()
                ? null
                : stacks.stream().map(t -> t.stack().name()).toList();
    }

    /** The stack a claimed task runs on: the one it is pinned to, else this worker's first; null without stacks. */
    private StackTools stackFor(Task task) {
        if (stacks.isEmpty()) {
            return null;
        }
        String name = task.stack();
        return stacks.stream()
                .filter(t -> t.stack().name().equals(name))
                .findFirst()
                .orElseGet(() -> {
                    if (name != null) {
                        // the claim filters on the worker's stacks, so only a broken store gets here
                        throw new IllegalStateException(
                                "task " + task.id() + " is pinned to stack " + name + ", which this worker lacks");
                    }
                    return stacks.get(0);
                });
    }

    public WorkerConfig config() {
        return config;
    }

    /** Starts the slots and the heartbeat thread. */
    public synchronized Worker start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("worker " + config.workerId() + " already started");
        }
        try {
            Files.createDirectories(config.workRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory " + config.workRoot(), e);
        }
        int abandoned = WorkDirs.deleteAbandoned(config.workRoot());
        if (abandoned > 0) {
            log.info("deleted {} work director(ies) of attempts whose worker died", abandoned);
        }
        for (int i = 0; i < config.slots(); i++) {
            threads.add(Thread.ofPlatform().name("nommer-worker-" + i).daemon().start(this::slotLoop));
        }
        threads.add(Thread.ofPlatform().name("nommer-heartbeat").daemon().start(this::heartbeatLoop));
        report();
        log.info(
                "worker {} started with {} slot(s) for cloud(s) {}, work directory {}",
                config.workerId(),
                config.slots(),
                String.join(",", config.clouds()),
                config.workRoot());
        return this;
    }

    /** How many tasks this worker is running now. */
    public int activeTasks() {
        return running.size();
    }

    private void slotLoop() {
        boolean instant = !encoder.needsInput();
        // an instant batch's outcomes are recorded while the slot claims the next batch (see runInstantly)
        Thread recording = null;
        try {
            while (!stopping) {
                List<ClaimedTask> claimed;
                try {
                    claimed = queue.claim(
                            config.workerId(),
                            config.clouds(),
                            // why: the null encoder runs no tool, so any stack will do
                            instant ? null : stackNames(),
                            instant ? config.claimBatch() : 1,
                            config.lease(),
                            config.tenantLimits());
                } catch (RuntimeException e) {
                    log.warn("worker {}: claiming failed, retrying: {}", config.workerId(), e.toString());
                    idle(config.idlePoll());
                    continue;
                }
                if (claimed.isEmpty()) {
                    recording = awaitRecorded(recording);
                    idle(untilNextRunnable());
                    continue;
                }
                if (instant) {
                    List<Completion> done;
                    try {
                        done = runInstantly(claimed);
                    } catch (RuntimeException e) {
                        log.warn(
                                "worker {}: running a batch of {} task(s) failed; the leases left will expire and "
                                        + "those tasks will run again: {}",
                                config.workerId(),
                                claimed.size(),
                                e.toString());
                        continue;
                    }
                    recording = awaitRecorded(recording);
                    recording = Thread.ofVirtual().name("nommer-record").start(() -> record(done));
                    continue;
                }
                for (ClaimedTask c : claimed) {
                    try {
                        runClaimed(c);
                    } catch (RuntimeException e) {
                        // why: recording the outcome failed (the store is unreachable, say). The slot must live on;
                        // the unrecorded lease expires and the reaper queues the task again.
                        log.warn(
                                "task {}: its outcome could not be recorded; the lease will expire and it will run "
                                        + "again: {}",
                                c.taskId(),
                                e.toString());
                    }
                }
            }
        } finally {
            awaitRecorded(recording);
            stopped.countDown();
        }
    }

    /** Waits until an instant batch's outcomes are recorded; answers null, for the slot's next batch. */
    private Thread awaitRecorded(Thread recording) {
        if (recording != null) {
            try {
                recording.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
        return null;
    }

    private Duration untilNextRunnable() {
        // Queued tasks waiting out a retry backoff become runnable without anyone signalling; wake up for them.
        try {
            return queue.nextRunnableAt()
                    .map(at -> Duration.ofMillis(Math.max(50, at.toEpochMilli() - clock.millis())))
                    .filter(d -> d.compareTo(config.idlePoll()) < 0)
                    .orElse(config.idlePoll());
        } catch (RuntimeException e) {
            return config.idlePoll();
        }
    }

    private void idle(Duration d) {
        try {
            signal.await(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void runClaimed(ClaimedTask claim) {
        Task task = claim.task();
        RunningTask r = new RunningTask(claim);
        running.put(task.id(), r);
        // why: unique per claim, not only per attempt: a released task is claimed again under the same attempt number,
        // possibly by another worker sharing this work root while the first still cleans up
        Path workDir = config.workRoot()
                .resolve(task.id() + "-" + task.attempt() + "-"
                        + Long.toHexString(
                                java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        WorkDirs.Held held = null;
        try {
            try {
                held = WorkDirs.open(workDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the work directory " + workDir + ": " + e, e);
            }
            log.info(
                    "task {} (job {}, output {}) attempt {} started",
                    task.id(),
                    task.jobId(),
                    task.name(),
                    task.attempt());
            StackTools tools = stackFor(task);
            if (tools != null && !queue.recordStack(task.id(), claim.leaseToken(), tools.stack())) {
                r.cancellation.cancel("lease lost before the task started");
                throw new CancellationException(r.cancellation.reason());
            }
            List<OutputFile> files = tools == null
                    ? producer.produce(r, workDir, encoder, prober)
                    : producer.produce(r, workDir, tools.encoder(), tools.prober());
            if (!queue.complete(task.id(), claim.leaseToken(), files, r.cpuSeconds)) {
                log.warn("task {}: lease lost before completion; this attempt's result is discarded", task.id());
            } else {
                log.info("task {} succeeded with {} file(s)", task.id(), files.size());
                producer.deleteRenditions(r);
            }
        } catch (CancellationException e) {
            stopped(r);
        } catch (TaskFailedException e) {
            if (r.cancellation.cancelled() || stopping) {
                // ffmpeg died because we killed it; the cancellation, not the exit code, is the story.
                stopped(r);
                return;
            }
            log.info(
                    "task {} attempt {} failed: {} {}",
                    task.id(),
                    task.attempt(),
                    e.code().code(),
                    e.getMessage());
            recordFailure(r, workDir, diskFull(e) ? ErrorCode.WORKER_DISK_FULL : e.code(), e.getMessage(), e.logTail());
        } catch (RuntimeException e) {
            log.error("task {} attempt {} failed unexpectedly", task.id(), task.attempt(), e);
            recordFailure(
                    r,
                    workDir,
                    diskFull(e) ? ErrorCode.WORKER_DISK_FULL : ErrorCode.INTERNAL,
                    "internal error: " + e,
                    null);
        } finally {
            running.remove(task.id());
            if (held != null) {
                held.close();
            } else {
                deleteRecursively(workDir);
            }
        }
    }

    /**
     * A failure as the job's owner may read it: paths inside this worker's work directory (the input's copy, ffmpeg's
     * outputs, in messages and ffmpeg's log) are shown as {@code <work>/...}, since where a worker keeps its files,
     * possibly on another machine, is the operator's business.
     */
    private String withoutWorkRoot(String text) {
        if (text == null) {
            return null;
        }
        Path root = config.workRoot().toAbsolutePath().normalize();
        return text.replace(root.toUri().toString(), "<work>/")
                .replace("file:" + root + "/", "<work>/")
                .replace(root + "/", "<work>/");
    }

    /** What the OS says, in Java's and ffmpeg's words alike, when a write finds no room (ENOSPC). */
    private static final String NO_SPACE = "No space left on device";

    /**
     * Whether a failure came from a local write finding no room: the encoder says so with its own code, and Java's
     * I/O says it in the message of an {@link IOException} on the way (never ffmpeg's log, where an input's metadata
     * may say anything).
     */
    private static boolean diskFull(Throwable e) {
        if (e instanceof TaskFailedException t && t.code() == ErrorCode.WORKER_DISK_FULL) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    && t.getMessage() != null
                    && t.getMessage().contains(NO_SPACE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records a failed attempt, having deleted its work directory first: when the disk is full, that is what makes
     * room for the store (often on the same disk) to record the real cause rather than leave the lease to expire.
     */
    private void recordFailure(RunningTask r, Path workDir, ErrorCode code, String message, String logTail) {
        deleteRecursively(workDir);
        Task task = r.claim.task();
        try {
            queue.fail(
                    task.id(),
                    r.claim.leaseToken(),
                    new TaskFailure(
                            code,
                            withoutWorkRoot(message),
                            withoutWorkRoot(logTail),
                            r.cpuSeconds,
                            config.retryBackoff().multipliedBy(task.attempt())));
        } catch (RuntimeException e) {
            // the lease will expire and the reaper will run the task again; the cause is at least in this log
            log.error(
                    "task {} attempt {}: recording its failure ({} {}) failed: {}",
                    task.id(),
                    task.attempt(),
                    code.code(),
                    message,
                    e.toString());
        }
    }

    /**
     * Runs tasks whose encoder needs no input (the null encoder), which finish at once, and answers their completions,
     * for {@link #record} in one transaction: one claim and one completion transaction per batch. The slot records a
     * batch while it claims the next (one batch in flight at most), as separate workers would: waiting for each
     * commit in turn kept a core idle, so the throughput benchmark measured one slot's round trips, not the store.
     */
    private List<Completion> runInstantly(List<ClaimedTask> claimed) {
        List<Completion> done = new ArrayList<>();
        for (ClaimedTask c : claimed) {
            Task task = c.task();
            try {
                EncodeResult result = encoder.encode(
                        new EncodeRequest(
                                task.id(), task.profile(), null, null, null, task.name(), config.encodeTimeout()),
                        p -> {},
                        new Cancellation());
                done.add(new Completion(task.id(), c.leaseToken(), List.of(), result.cpuSeconds()));
            } catch (TaskFailedException e) {
                queue.fail(
                        task.id(),
                        c.leaseToken(),
                        new TaskFailure(
                                e.code(),
                                e.getMessage(),
                                e.logTail(),
                                0,
                                config.retryBackoff().multipliedBy(task.attempt())));
            }
        }
        return done;
    }

    /** Records an instant batch's completions in one transaction. */
    private void record(List<Completion> done) {
        try {
            List<Boolean> held = queue.completeAll(done);
            long lost = held.stream().filter(h -> !h).count();
            if (lost > 0) {
                log.warn(
                        "worker {}: {} lease(s) lost before completion; those results are discarded",
                        config.workerId(),
                        lost);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "worker {}: recording {} outcome(s) failed; their leases will expire and they will run again: {}",
                    config.workerId(),
                    done.size(),
                    e.toString());
        }
    }

    /**
     * A task stopped on purpose (shutdown, cancelled job, lost lease): its lease goes back without spending the
     * attempt. The release is fenced, so when the job was cancelled or another worker holds the lease it changes
     * nothing.
     */
    private void stopped(RunningTask r) {
        String why = r.cancellation.cancelled() ? r.cancellation.reason() : "shutting down";
        if (queue.release(r.claim.taskId(), r.claim.leaseToken())) {
            log.info("task {}: stopped ({}); lease released", r.claim.taskId(), why);
        } else {
            log.info("task {}: stopped ({})", r.claim.taskId(), why);
        }
    }

    /** Tells the store this worker is alive and what it is doing, for operators (GET /v1/workers). */
    private void report() {
        try {
            fleet.recordWorker(new WorkerStatus(
                    config.workerId(),
                    config.clouds(),
                    config.slots(),
                    running.size(),
                    host,
                    config.encoder(),
                    null,
                    null,
                    stacks.stream().map(StackTools::stack).toList()));
        } catch (RuntimeException e) {
            log.warn("worker {}: reporting to the store failed: {}", config.workerId(), e.toString());
        }
    }

    private void heartbeatLoop() {
        while (!stopping || !running.isEmpty()) {
            try {
                Thread.sleep(config.heartbeat().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (!stopping) {
                report();
            }
            for (RunningTask r : running.values()) {
                try {
                    double p = r.progress;
                    boolean held = queue.heartbeat(r.claim.taskId(), r.claim.leaseToken(), config.lease(), p);
                    if (!held) {
                        r.cancellation.cancel("lease no longer held (job cancelled or lease taken over)");
                    }
                } catch (RuntimeException e) {
                    // A store outage must not kill the encode; the lease is generous and the next beat may succeed.
                    log.warn("heartbeat for task {} failed: {}", r.claim.taskId(), e.toString());
                }
            }
        }
    }

    /**
     * Stops claiming, lets running tasks finish for up to {@code grace}, then cancels the rest and gives their leases
     * back (a release is not a failed attempt).
     */
    public void stop(Duration grace) {
        stopping = true;
        signal.signal();
        try {
            if (!stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                running.values().forEach(r -> r.cancellation.cancel(SHUTDOWN));
                stopped.await(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.values().forEach(r -> r.cancellation.cancel(SHUTDOWN));
        }
        threads.forEach(Thread::interrupt);
        try {
            fleet.removeWorker(config.workerId());
        } catch (RuntimeException e) {
            log.warn("worker {}: could not remove its status row: {}", config.workerId(), e.toString());
        }
        log.info("worker {} stopped", config.workerId());
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    /**
     * The name of this machine as workers report it: {@code HOSTNAME} when set (containers set it; tests use it to
     * play several machines), else the resolver's name for the local host, else null.
     */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("could not clean {}: {}", dir, e.toString());
        }
    }
}
