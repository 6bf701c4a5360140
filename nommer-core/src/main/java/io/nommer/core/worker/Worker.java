package io.nommer.core.worker;

import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.noop.NullEncoder;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.MediaProber;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
    /** Where a ladder's renditions encoded by separate tasks wait for packaging (output names are lower case, so no
     * output can have this folder). */
    public static final String PARTS_FOLDER = "RENDITIONS-";
    /** The roles of files that are media on their own, probed after encoding for their duration and size. */
    private static final java.util.Set<String> PROBED_ROLES = java.util.Set.of("video", "audio", "thumbnail");

    private final WorkerConfig config;
    private final TaskQueue queue;
    private final JobStore jobs;
    private final FleetRegistry fleet;
    private final QueueSignal signal;
    private final InputFetcher inputs;
    private final MediaProber prober;
    private final Encoder encoder;
    private final OutputPublisher outputs;
    private final InstantSource clock;
    private final String host = hostName();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped;
    private volatile boolean stopping;

    /** A task this worker is running: what the heartbeat reports and how it is stopped. */
    private static final class Running {
        final ClaimedTask claim;
        final Cancellation cancellation = new Cancellation();
        volatile double progress;
        volatile double cpuSeconds;
        /** For a packaging task: the renditions other tasks published, deleted once the output is complete. */
        final List<URI> renditions = new ArrayList<>();

        Running(ClaimedTask claim) {
            this.claim = claim;
        }
    }

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
        this.config = config;
        this.queue = queue;
        this.jobs = jobs;
        this.fleet = fleet;
        this.signal = signal;
        this.inputs = inputs;
        this.prober = prober;
        this.encoder = encoder;
        this.outputs = outputs;
        this.clock = clock;
        this.stopped = new CountDownLatch(config.slots());
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
                            config.workerId(), config.clouds(), instant ? config.claimBatch() : 1, config.lease());
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
        Running r = new Running(claim);
        running.put(task.id(), r);
        Path workDir = config.workRoot().resolve(task.id() + "-" + task.attempt());
        try {
            log.info(
                    "task {} (job {}, output {}) attempt {} started",
                    task.id(),
                    task.jobId(),
                    task.name(),
                    task.attempt());
            List<OutputFile> files = produce(r, workDir);
            if (!queue.complete(task.id(), claim.leaseToken(), files, r.cpuSeconds)) {
                log.warn("task {}: lease lost before completion; this attempt's result is discarded", task.id());
            } else {
                log.info("task {} succeeded with {} file(s)", task.id(), files.size());
                deleteRenditions(r);
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
            queue.fail(
                    task.id(),
                    claim.leaseToken(),
                    new TaskFailure(
                            e.code(),
                            e.getMessage(),
                            e.logTail(),
                            r.cpuSeconds,
                            config.retryBackoff().multipliedBy(task.attempt())));
        } catch (RuntimeException e) {
            log.error("task {} attempt {} failed unexpectedly", task.id(), task.attempt(), e);
            queue.fail(
                    task.id(),
                    claim.leaseToken(),
                    new TaskFailure(
                            ErrorCode.INTERNAL,
                            "internal error: " + e,
                            null,
                            r.cpuSeconds,
                            config.retryBackoff().multipliedBy(task.attempt())));
        } finally {
            running.remove(task.id());
            deleteRecursively(workDir);
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
    private void stopped(Running r) {
        String why = r.cancellation.cancelled() ? r.cancellation.reason() : "shutting down";
        if (queue.release(r.claim.taskId(), r.claim.leaseToken())) {
            log.info("task {}: stopped ({}); lease released", r.claim.taskId(), why);
        } else {
            log.info("task {}: stopped ({})", r.claim.taskId(), why);
        }
    }

    private List<OutputFile> produce(Running r, Path workDir) {
        Task task = r.claim.task();
        try {
            Files.createDirectories(workDir.resolve("out"));
        } catch (IOException e) {
            throw new UncheckedIOException("task " + task.id() + ": cannot create " + workDir, e);
        }
        checkCancelled(r);
        LocalInput input = inputs.fetch(URI.create(r.claim.input()), workDir);
        checkCancelled(r);
        MediaInfo info = prober.probe(input.file());
        jobs.recordInputInfo(task.jobId(), info);
        jobs.addEvent(task.jobId(), task.id(), "task.probed", describe(info));
        checkLimits(info);
        Map<Integer, Path> renditions = task.parts() > 0 ? fetchRenditions(r, workDir) : Map.of();
        checkCancelled(r);
        EncodeRequest request = new EncodeRequest(
                task.id(),
                task.profile(),
                info,
                input.file(),
                workDir.resolve("out"),
                task.name(),
                config.encodeTimeout(),
                task.part(),
                renditions);
        EncodeResult result = encoder.encode(request, p -> r.progress = Math.max(0, Math.min(99.9, p)), r.cancellation);
        r.cpuSeconds = result.cpuSeconds();
        if (!result.runs().isEmpty()) {
            jobs.addEvent(
                    task.jobId(),
                    task.id(),
                    "task.encoded",
                    String.format(
                            Locale.ROOT,
                            "%s; %.1f CPU seconds",
                            String.join("; ", result.runs()),
                            result.cpuSeconds()));
        }
        // Probe what we made before publishing: the job reports real durations and sizes, not the plan's.
        List<Described> described = new ArrayList<>();
        for (PlannedFile f : result.files()) {
            // Playlists, manifests, segments and archives are not probed: the whitelist rightly refuses playlist
            // demuxers, and probing every segment would cost more than it tells.
            MediaInfo made = PROBED_ROLES.contains(f.role()) ? prober.probe(f.path()) : null;
            described.add(new Described(f, made, size(f.path())));
        }
        checkCancelled(r);
        // Publish only while the lease holds, so a worker that stalled past its lease does not overwrite the
        // newer attempt's files (the window left is this call's round trip; see DESIGN.md on fencing).
        if (!queue.heartbeat(task.id(), r.claim.leaseToken(), config.lease(), null)) {
            r.cancellation.cancel("lease lost before publishing");
            throw new CancellationException(r.cancellation.reason());
        }
        URI folder = task.isPart()
                ? outputs.defaultFolder(task.jobId(), PARTS_FOLDER + task.name())
                : task.destination() != null
                        ? URI.create(task.destination())
                        : outputs.defaultFolder(task.jobId(), task.name());
        List<OutputFile> files = new ArrayList<>();
        for (Described d : described) {
            String name = d.file.path().getFileName().toString();
            URI uri;
            try {
                uri = outputs.publish(d.file.path(), folder, name);
            } catch (UncheckedIOException e) {
                throw new TaskFailedException(
                        ErrorCode.OUTPUT_FAILED,
                        "publishing " + name + " to " + folder + " failed: "
                                + e.getCause().getMessage(),
                        null,
                        e);
            }
            files.add(toOutputFile(name, uri, d));
        }
        return files;
    }

    private record Described(PlannedFile file, MediaInfo info, long size) {}

    /** Best effort: a rendition left behind costs storage, not correctness. */
    private void deleteRenditions(Running r) {
        for (URI uri : r.renditions) {
            try {
                outputs.delete(uri);
            } catch (RuntimeException e) {
                log.warn("task {}: could not delete the rendition {}: {}", r.claim.taskId(), uri, e.toString());
            }
        }
    }

    /**
     * The renditions other workers encoded for this packaging task, copied from the service's storage into the
     * working directory, by rung.
     */
    private Map<Integer, Path> fetchRenditions(Running running, Path workDir) {
        Task task = running.claim.task();
        Path dir = workDir.resolve("renditions");
        Map<Integer, Path> renditions = new java.util.HashMap<>();
        try {
            Files.createDirectories(dir);
            for (Task part : jobs.find(task.jobId()).map(Job::tasks).orElse(List.of())) {
                if (!part.isPart() || !part.name().equals(task.name())) {
                    continue;
                }
                OutputFile f = part.files().stream()
                        .filter(x -> PlannedFile.INTERMEDIATE.equals(x.role()))
                        .findFirst()
                        .orElseThrow(() -> new TaskFailedException(
                                ErrorCode.INTERNAL,
                                "rendition " + (part.part() + 1) + " of output " + task.name()
                                        + " has no encoded file"));
                Path local = dir.resolve(f.name());
                outputs.copyToLocal(URI.create(f.uri()), local);
                renditions.put(part.part(), local);
                running.renditions.add(URI.create(f.uri()));
            }
        } catch (IOException | UncheckedIOException e) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_FETCH_FAILED,
                    "fetching the renditions of output " + task.name() + " failed: " + e.getMessage(),
                    null,
                    e);
        }
        return renditions;
    }

    private static OutputFile toOutputFile(String name, URI uri, Described d) {
        if (d.info == null) {
            return new OutputFile(name, uri.toString(), d.size, d.file.role(), null, null, null);
        }
        StreamInfo v = d.info.video().orElse(null);
        Double duration = "thumbnail".equals(d.file.role()) ? null : d.info.duration();
        return new OutputFile(
                name,
                uri.toString(),
                d.size,
                d.file.role(),
                duration,
                v == null ? null : v.width(),
                v == null ? null : v.height());
    }

    private void checkLimits(MediaInfo info) {
        if (info.duration() != null && info.duration() > config.maxInputSeconds()) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_LIMITS_EXCEEDED,
                    String.format(
                            Locale.ROOT,
                            "the input lasts %.0f s, more than the limit of %.0f s",
                            info.duration(),
                            config.maxInputSeconds()));
        }
        for (StreamInfo s : info.streams()) {
            if (s.width() != null && s.height() != null && (long) s.width() * s.height() > config.maxInputPixels()) {
                throw new TaskFailedException(
                        ErrorCode.INPUT_LIMITS_EXCEEDED,
                        "the input's " + s.width() + "x" + s.height() + " picture exceeds the limit of "
                                + config.maxInputPixels() + " pixels");
            }
        }
    }

    private static String describe(MediaInfo info) {
        StringBuilder b = new StringBuilder("input is ").append(info.demuxer());
        if (info.duration() != null) {
            b.append(String.format(Locale.ROOT, ", %.2f s", info.duration()));
        }
        for (StreamInfo s : info.streams()) {
            b.append(", ").append(s.type()).append(' ').append(s.codec());
            if (s.isVideo() && s.width() != null) {
                b.append(' ').append(s.width()).append('x').append(s.height());
                if (s.fps() != null) {
                    b.append(String.format(Locale.ROOT, " %.2f fps", s.fps()));
                }
            }
        }
        return b.toString();
    }

    private static void checkCancelled(Running r) {
        if (r.cancellation.cancelled()) {
            throw new CancellationException(r.cancellation.reason());
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
                    encoder.needsInput() ? "ffmpeg" : NullEncoder.NAME,
                    null,
                    null));
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
            for (Running r : running.values()) {
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

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
