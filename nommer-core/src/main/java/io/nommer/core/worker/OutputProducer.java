package io.nommer.core.worker;

import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.Watermark;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Task;
import io.nommer.core.job.Timeline;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.MediaProber;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Profile;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output from a claimed task: the input fetched into the task's working directory, probed and checked against
 * the limits, encoded, the results probed for their real durations and sizes, and published into the output's folder
 * while the lease still holds. The worker around it owns the claim, the heartbeat and the outcome.
 */
final class OutputProducer {
    private static final Logger log = LoggerFactory.getLogger(OutputProducer.class);
    /** Where a ladder's renditions encoded by separate tasks wait for packaging (output names are lower case, so no
     * output can have this folder). */
    static final String PARTS_FOLDER = "RENDITIONS-";
    /** The roles of files that are media on their own, probed after encoding for their duration and size. */
    private static final Set<String> PROBED_ROLES = Set.of("video", "audio", "thumbnail");

    private final WorkerConfig config;
    private final TaskQueue queue;
    private final JobStore jobs;
    private final InputFetcher inputs;
    private final OutputPublisher outputs;

    OutputProducer(WorkerConfig config, TaskQueue queue, JobStore jobs, InputFetcher inputs, OutputPublisher outputs) {
        this.config = config;
        this.queue = queue;
        this.jobs = jobs;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Fetches the task's input, probes it, encodes, probes what was made and publishes it while the lease holds, with
     * the encoder and prober of the stack the task runs on.
     *
     * @throws TaskFailedException with the code of what went wrong
     * @throws CancellationException when the task was cancelled or its lease lost
     */
    List<OutputFile> produce(RunningTask r, Path workDir, Encoder encoder, MediaProber prober) {
        Task task = r.claim.task();
        try {
            Files.createDirectories(workDir.resolve("out"));
        } catch (IOException e) {
            throw new UncheckedIOException("task " + task.id() + ": cannot create " + workDir, e);
        }
        checkCancelled(r);
        Watermark watermark = watermark(r, workDir, prober);
        checkCancelled(r);
        LocalInput input = fetch(r, URI.create(r.claim.input()), workDir);
        checkCancelled(r);
        MediaInfo info = prober.probe(input.file());
        jobs.recordInputInfo(task.jobId(), info);
        jobs.addEvent(task.jobId(), task.id(), Timeline.probed(info));
        checkLimits(info);
        checkTenantLimits(r.claim.tenant(), r.claim.limits(), info);
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
                renditions,
                watermark);
        EncodeResult result = encoder.encode(request, p -> r.progress = Math.max(0, Math.min(99.9, p)), r.cancellation);
        r.cpuSeconds = result.cpuSeconds();
        if (!result.runs().isEmpty()) {
            jobs.addEvent(task.jobId(), task.id(), Timeline.encoded(result.runs(), result.cpuSeconds()));
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

    /**
     * The output's watermark, fetched like the input into its own folder and checked, or null when the output draws
     * none. A packaging task draws nothing: its renditions were marked by their own tasks. Fetched before the input,
     * so that a bad watermark fails the task without downloading a large input.
     *
     * @throws TaskFailedException with a {@code watermark_*} code (see {@link WatermarkImages})
     */
    private Watermark watermark(RunningTask r, Path workDir, MediaProber prober) {
        Task task = r.claim.task();
        if (!task.profile().drawsWatermark() || task.parts() > 0) {
            return null;
        }
        URI uri = URI.create(task.profile().get(Profile.WATERMARK_URL));
        LocalInput file;
        try {
            file = fetch(r, uri, workDir.resolve("watermark"));
        } catch (TaskFailedException e) {
            throw WatermarkImages.fetchFailed(uri, e);
        }
        return WatermarkImages.check(uri, file, prober);
    }

    /**
     * Fetches the task's input (or its watermark) so that a cancellation (job cancelled, lease lost, shutdown) stops a download at once
     * rather than after it: the slot's thread is interrupted while, and only while, the fetch runs, which makes the
     * http fetcher close the connection and delete the partial file.
     *
     * @throws CancellationException when the task was cancelled during the fetch, whatever the fetch threw
     */
    private LocalInput fetch(RunningTask r, URI uri, Path workDir) {
        InterruptOnCancel interrupt = new InterruptOnCancel(Thread.currentThread());
        r.cancellation.onCancel(interrupt::cancelled);
        try {
            return inputs.fetch(uri, workDir);
        } catch (RuntimeException e) {
            if (r.cancellation.cancelled()) {
                CancellationException stopped = new CancellationException(r.cancellation.reason());
                stopped.initCause(e);
                throw stopped;
            }
            throw e;
        } finally {
            interrupt.done();
        }
    }

    /** Interrupts a thread on cancellation until {@link #done()}; then clears the interrupt it made, if any. */
    private static final class InterruptOnCancel {
        private final Thread thread;
        private boolean running = true;
        private boolean interrupted;

        InterruptOnCancel(Thread thread) {
            this.thread = thread;
        }

        synchronized void cancelled() {
            if (running) {
                interrupted = true;
                thread.interrupt();
            }
        }

        /** Called on {@link #thread}: the slot goes on to record the outcome, which an interrupt would break. */
        synchronized void done() {
            running = false;
            if (interrupted) {
                Thread.interrupted();
            }
        }
    }

    /** Best effort: a rendition left behind costs storage, not correctness. */
    void deleteRenditions(RunningTask r) {
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
    private Map<Integer, Path> fetchRenditions(RunningTask running, Path workDir) {
        Task task = running.claim.task();
        Path dir = workDir.resolve("renditions");
        Map<Integer, Path> renditions = new HashMap<>();
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
                            "the input lasts %.0f s, more than the limit of %.0f s (setting max_input_seconds)",
                            info.duration(),
                            config.maxInputSeconds()));
        }
        if (info.duration() != null
                && info.duration() > WorkerConfig.SPARSE_INPUT_SECONDS
                && info.size() < info.duration() * WorkerConfig.MIN_INPUT_BYTES_PER_SECOND) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_LIMITS_EXCEEDED,
                    String.format(
                            Locale.ROOT,
                            "the input declares %.0f s of media but holds only %d bytes (%.1f per second, fewer than"
                                    + " the %d that media this long carries at least): its timestamps leave gaps that"
                                    + " no data fills, which would be encoded as repeated frames",
                            info.duration(),
                            info.size(),
                            info.size() / info.duration(),
                            WorkerConfig.MIN_INPUT_BYTES_PER_SECOND));
        }
        if (info.streams().size() > config.maxInputStreams()) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_LIMITS_EXCEEDED,
                    "the input has " + info.streams().size() + " streams, more than the limit of "
                            + config.maxInputStreams() + " (setting max_input_streams)");
        }
        for (StreamInfo s : info.streams()) {
            if (s.width() != null && s.height() != null && (long) s.width() * s.height() > config.maxInputPixels()) {
                throw new TaskFailedException(
                        ErrorCode.INPUT_LIMITS_EXCEEDED,
                        "the input's " + s.width() + "x" + s.height() + " picture exceeds the limit of "
                                + config.maxInputPixels() + " pixels (setting max_input_pixels)");
            }
        }
    }

    /**
     * The input against its tenant's limits (a tenant's plan may allow less than the service's own limits above).
     *
     * @throws TaskFailedException {@code tenant_input_limit_exceeded}, naming the tenant and the limit
     */
    static void checkTenantLimits(String tenant, TenantLimits limits, MediaInfo info) {
        refuseOver(tenant, limits, TenantLimit.MAX_INPUT_BYTES, info.size(), "the input is " + info.size() + " bytes");
        if (info.duration() != null) {
            refuseOver(
                    tenant,
                    limits,
                    TenantLimit.MAX_INPUT_SECONDS,
                    (long) Math.ceil(info.duration()),
                    String.format(Locale.ROOT, "the input lasts %.1f s", info.duration()));
        }
        for (StreamInfo s : info.streams()) {
            if (s.width() != null && s.height() != null) {
                long pixels = (long) s.width() * s.height();
                refuseOver(
                        tenant,
                        limits,
                        TenantLimit.MAX_INPUT_PIXELS,
                        pixels,
                        "the input's " + s.width() + "x" + s.height() + " picture has " + pixels + " pixels");
            }
        }
    }

    private static void refuseOver(String tenant, TenantLimits limits, TenantLimit limit, long value, String what) {
        if (value > limits.effective(limit)) {
            throw new TaskFailedException(
                    ErrorCode.TENANT_INPUT_LIMIT_EXCEEDED,
                    what + ", more than tenant " + tenant + "'s " + limit.wireName() + " of "
                            + limits.effective(limit));
        }
    }

    private static void checkCancelled(RunningTask r) {
        if (r.cancellation.cancelled()) {
            throw new CancellationException(r.cancellation.reason());
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
