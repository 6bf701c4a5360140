package io.nommer.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.Watermark;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.CloudPrice;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.TaskCounts;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.CreateResult;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobState;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Page;
import io.nommer.core.job.Task;
import io.nommer.core.job.Timeline;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.MediaProber;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.core.testing.Await;
import io.nommer.core.testing.Profiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's logic with fakes at every port: what it records in the Store for each way a task can end. */
class WorkerTest {
    static final MediaInfo CLIP = new MediaInfo(
            "mov,mp4",
            2.0,
            1_000_000L,
            250_000,
            List.of(new StreamInfo(
                    0, "video", "h264", 320, 240, 25.0, null, null, null, 2.0, "1:1", 0, "progressive")));

    @TempDir
    Path tmp;

    /** A queue, job store and fleet registry holding one claimable task, recording what the worker tells them. */
    static final class RecordingStore implements TaskQueue, JobStore, FleetRegistry {
        final BlockingQueue<ClaimedTask> claimable = new LinkedBlockingQueue<>();
        final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
        final List<OutputFile> completedFiles = new ArrayList<>();
        volatile TaskFailure failure;
        volatile boolean leaseHeld = true;

        @Override
        public List<ClaimedTask> claim(
                String workerId,
                List<String> clouds,
                List<String> stacks,
                int max,
                Duration lease,
                TenantLimits defaults) {
            claimedFor.add(stacks == null ? List.of("<any>") : stacks);
            ClaimedTask t = claimable.poll();
            return t == null ? List.of() : List.of(t);
        }

        /** The stacks each claim asked for ({@code <any>} for any). */
        final List<List<String>> claimedFor = new java.util.concurrent.CopyOnWriteArrayList<>();

        final List<String> stacksRecorded = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public boolean recordStack(String taskId, String leaseToken, io.nommer.core.stack.Stack stack) {
            stacksRecorded.add(stack.name());
            return leaseHeld;
        }

        @Override
        public boolean heartbeat(String taskId, String leaseToken, Duration lease, Double progress) {
            return leaseHeld;
        }

        @Override
        public boolean complete(String taskId, String leaseToken, List<OutputFile> files, double cpuSeconds) {
            completedFiles.addAll(files);
            outcomes.add("complete");
            return true;
        }

        /** A directory whose contents {@link #fail} notes when it is called. */
        volatile Path watched;

        volatile List<Path> leftInWatchedAtFail;

        @Override
        public boolean fail(String taskId, String leaseToken, TaskFailure f) {
            if (watched != null) {
                try (java.util.stream.Stream<Path> files = Files.walk(watched)) {
                    leftInWatchedAtFail = files.filter(Files::isRegularFile).toList();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            failure = f;
            outcomes.add("fail");
            return true;
        }

        @Override
        public boolean release(String taskId, String leaseToken) {
            if (!leaseHeld) {
                return false; // fenced: a lost lease is not ours to give back
            }
            outcomes.add("release");
            return true;
        }

        @Override
        public void addEvent(String jobId, String taskId, Timeline.Entry entry) {}

        @Override
        public void recordInputInfo(String jobId, MediaInfo info) {}

        @Override
        public Optional<Instant> nextRunnableAt() {
            return Optional.empty();
        }

        @Override
        public List<Boolean> completeAll(List<Completion> completions) {
            List<Boolean> held = new ArrayList<>();
            for (Completion c : completions) {
                held.add(complete(c.taskId(), c.leaseToken(), c.files(), c.cpuSeconds()));
            }
            return held;
        }

        final List<WorkerStatus> reports = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void recordWorker(WorkerStatus status) {
            reports.add(status);
        }

        @Override
        public void removeWorker(String workerId) {
            reports.add(null);
        }

        // Not used by workers.
        @Override
        public List<CreateResult> createAll(List<NewJob> jobs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cloud putCloud(String name, int priority) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Cloud> priceCloud(String name, double pricePerCoreHour) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CloudPrice> prices() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Cloud> findCloud(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Cloud> scaleCloud(String name, ScalingPolicy policy) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recordScaling(String cloud, ScalingStatus status) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean holdScaler(String holder, Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void releaseScaler(String holder) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, TaskCounts> taskCounts() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Cloud> listClouds() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deleteCloud(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<WorkerStatus> listWorkers(Duration seenWithin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Job> find(String jobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<Job> list(JobFilter filter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<JobEvent> events(String jobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Job> cancel(String jobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Job> retry(String jobId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int reapExpiredLeases(Duration backoff) {
            throw new UnsupportedOperationException();
        }
    }

    /** Publishes by copying into a folder under the temp dir, remembering what it published. */
    final class FolderPublisher implements OutputPublisher {
        final List<URI> published = new ArrayList<>();

        @Override
        public URI publish(Path file, URI folder, String name) {
            try {
                Path dir = Files.createDirectories(Path.of(folder));
                Path target = dir.resolve(name);
                Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                published.add(target.toUri());
                return target.toUri();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void delete(URI published) {
            try {
                Files.deleteIfExists(Path.of(published));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void copyToLocal(URI published, Path target) {
            try {
                Files.copy(Path.of(published), target);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public URI defaultFolder(String jobId, String outputName) {
            return tmp.resolve("published").resolve(jobId).resolve(outputName).toUri();
        }

        @Override
        public void checkWritable(URI folder) {}
    }

    private final RecordingStore store = new RecordingStore();
    private final FolderPublisher publisher = new FolderPublisher();

    private ClaimedTask aTask() throws Exception {
        return aTask(Presets.find("mp4-h264").orElseThrow());
    }

    private ClaimedTask aTask(Profile p) throws Exception {
        Path input = Files.writeString(tmp.resolve("input.mp4"), "pretend media");
        Task t = new Task(
                "tsk_1",
                "job_1",
                0,
                "web",
                "mp4-h264",
                p,
                null,
                JobState.RUNNING,
                0,
                1,
                3,
                List.of(),
                null,
                null,
                null,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                null,
                null,
                0,
                Map.of());
        return new ClaimedTask(t, "token-1", input.toUri().toString());
    }

    private Worker worker(Encoder encoder) {
        return worker(encoder, file -> CLIP);
    }

    private Worker worker(Encoder encoder, MediaProber prober) {
        return worker(encoder, prober, (input, workDir) -> new LocalInput(Path.of(input), 13, false));
    }

    private Worker worker(Encoder encoder, MediaProber prober, BiFunction<URI, Path, LocalInput> fetch) {
        InputFetcher inputs = new InputFetcher() {
            @Override
            public LocalInput fetch(URI input, Path workDir) {
                return fetch.apply(input, workDir);
            }

            @Override
            public void checkAcceptable(URI input) {}
        };
        WorkerConfig config = WorkerConfig.builder("w1", tmp.resolve("work"))
                .lease(Duration.ofSeconds(2), Duration.ofMillis(50))
                .build();
        return new Worker(
                config,
                store,
                store,
                store,
                new SleepingSignal(),
                inputs,
                prober,
                encoder,
                publisher,
                InstantSource.system());
    }

    private static Encoder writingEncoder() {
        return (request, progress, cancel) -> {
            try {
                Path out = request.outDir().resolve(request.baseName() + ".mp4");
                Files.writeString(out, "encoded");
                progress.progress(50);
                return new EncodeResult(List.of(new PlannedFile(out, "video")), 1.25);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private static io.nommer.core.stack.Stack stack(String name) {
        return new io.nommer.core.stack.Stack(
                name,
                List.of(new io.nommer.core.stack.Stack.Tool("ffmpeg", "/opt/" + name + "/ffmpeg", name)),
                List.of(),
                List.of(),
                List.of());
    }

    @Test
    void aWorkerWithStacks_claimsForThem_andRunsATaskWithItsStacksEncoder_recordingTheStack() throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Function<String, Encoder> encoderOf = name -> (request, progress, cancel) -> {
            ran.add(name);
            return writingEncoder().encode(request, progress, cancel);
        };
        store.claimable.add(aTask(Presets.find("mp4-h264").orElseThrow().with(Profile.STACK, "new")));
        WorkerConfig config = WorkerConfig.builder("w1", tmp.resolve("work"))
                .lease(Duration.ofSeconds(2), Duration.ofMillis(50))
                .build();
        InputFetcher inputs = new InputFetcher() {
            @Override
            public LocalInput fetch(URI input, Path workDir) {
                return new LocalInput(Path.of(input), 13, false);
            }

            @Override
            public void checkAcceptable(URI input) {}
        };
        try (Worker w = new Worker(
                        config,
                        store,
                        store,
                        store,
                        new SleepingSignal(),
                        inputs,
                        List.of(
                                new StackTools(stack("old"), encoderOf.apply("old"), file -> CLIP),
                                new StackTools(stack("new"), encoderOf.apply("new"), file -> CLIP)),
                        publisher,
                        InstantSource.system())
                .start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("complete");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }

        assertThat(ran).containsExactly("new");
        assertThat(store.stacksRecorded).containsExactly("new");
        assertThat(store.claimedFor).isNotEmpty().allSatisfy(s -> assertThat(s).containsExactly("old", "new"));
        assertThat(store.reports.get(0).stacks())
                .extracting(io.nommer.core.stack.Stack::name)
                .containsExactly("old", "new");
    }

    @Test
    void aWorkerWithoutStacks_claimsAnyStack_andRecordsNone() throws Exception {
        store.claimable.add(aTask());
        try (Worker w = worker(writingEncoder()).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("complete");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(store.claimedFor).isNotEmpty().allSatisfy(s -> assertThat(s).containsExactly("<any>"));
        assertThat(store.stacksRecorded).isEmpty();
    }

    @Test
    void success_publishesIntoTheDefaultFolderAndCompletesWithTheFiles() throws Exception {
        store.claimable.add(aTask());
        try (Worker w = worker(writingEncoder()).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("complete");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(store.completedFiles).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("web.mp4");
            assertThat(f.size()).isEqualTo(7);
            assertThat(f.width()).isEqualTo(320);
            assertThat(Path.of(URI.create(f.uri())))
                    .hasContent("encoded")
                    .startsWith(tmp.resolve("published/job_1/web"));
        });
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void anInputWithTooManyStreams_failsWithInputLimitsExceeded_beforeEncoding() throws Exception {
        store.claimable.add(aTask());
        List<StreamInfo> streams = new ArrayList<>();
        for (int i = 0; i <= WorkerConfig.DEFAULT_MAX_INPUT_STREAMS; i++) {
            streams.add(new StreamInfo(i, "audio", "pcm_s16le", null, null, null, null, 48000, 1, 2.0, null, 0, null));
        }
        MediaInfo many = new MediaInfo("mxf", 2.0, 1_000_000L, 250_000, streams);
        AtomicBoolean encoded = new AtomicBoolean();
        Encoder encoder = (request, progress, cancel) -> {
            encoded.set(true);
            throw new AssertionError("must not encode");
        };
        try (Worker w = worker(encoder, file -> many).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("fail");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(store.failure.code()).isEqualTo(ErrorCode.INPUT_LIMITS_EXCEEDED);
        assertThat(store.failure.message()).contains("65 streams", "limit of 64", "setting max_input_streams");
        assertThat(encoded).isFalse();
    }

    @Test
    void anInputWhoseBytesCannotFillItsDeclaredLength_failsWithInputLimitsExceeded_beforeEncoding() throws Exception {
        store.claimable.add(aTask());
        // two frames ten hours apart: what ffmpeg makes of it is ten hours of repeated frames
        MediaInfo sparse = new MediaInfo("mov,mp4", 36_001.0, 1L, 4287, CLIP.streams());
        try (Worker w = worker(
                        (request, progress, cancel) -> {
                            throw new AssertionError("must not encode");
                        },
                        file -> sparse)
                .start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("fail");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(store.failure.code()).isEqualTo(ErrorCode.INPUT_LIMITS_EXCEEDED);
        assertThat(store.failure.message()).contains("36001 s", "4287 bytes");
    }

    @Test
    void aFullDisk_freesTheAttemptsFilesBeforeRecording_andSaysWhy() throws Exception {
        store.claimable.add(aTask());
        store.watched = tmp.resolve("work");
        Encoder filling = (request, progress, cancel) -> {
            try {
                Files.write(request.outDir().resolve("partial.mp4"), new byte[4096]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // what FfmpegEncoder throws when ffmpeg reports ENOSPC
            throw new TaskFailedException(
                    ErrorCode.WORKER_DISK_FULL,
                    "the worker's disk is full (ffmpeg encode: Error writing trailer: No space left on device)",
                    "[out#0/mp4] file:" + request.outDir().resolve("partial.mp4")
                            + ": av_interleaved_write_frame(): No space left on device",
                    null);
        };
        try (Worker w = worker(filling).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("fail");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(store.leftInWatchedAtFail)
                .as("work files left when the failure was recorded")
                .isEmpty();
        assertThat(store.failure.code()).isEqualTo(ErrorCode.WORKER_DISK_FULL);
        assertThat(store.failure.code().retryable()).isTrue();
        assertThat(store.failure.message()).contains("No space left on device");
        // where this worker keeps its files is not the job owner's business
        assertThat(store.failure.logTail()).doesNotContain(tmp.toString()).contains("<work>/tsk_1-");
    }

    @Test
    void start_deletesTheWorkDirectoriesOfAttemptsWhoseWorkerDied_butNotLiveOnes() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("work"));
        // a killed worker's attempt: its lock file is there, and nobody holds the lock any more
        Path dead = Files.createDirectories(root.resolve("tsk_dead-1"));
        Files.writeString(dead.resolve(".lock"), "");
        Files.write(dead.resolve("input"), new byte[4096]);
        Path live = root.resolve("tsk_live-1");
        WorkDirs.Held held = WorkDirs.open(live);
        Files.write(live.resolve("input"), new byte[4096]);
        try (Worker w = worker(writingEncoder()).start()) {
            assertThat(dead).doesNotExist();
            assertThat(live.resolve("input")).exists();
            assertThat(w.activeTasks()).isZero();
        } finally {
            held.close();
        }
        assertThat(live).doesNotExist();
    }

    @Test
    void encodeFailure_isRecordedWithItsCodeAndLog() throws Exception {
        store.claimable.add(aTask());
        Encoder failing = (request, progress, cancel) -> {
            throw new TaskFailedException(ErrorCode.ENCODE_FAILED, "ffmpeg exited with 1", "last line", null);
        };
        try (Worker w = worker(failing).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("fail");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(store.failure.code()).isEqualTo(ErrorCode.ENCODE_FAILED);
        assertThat(store.failure.logTail()).isEqualTo("last line");
        assertThat(publisher.published).isEmpty();
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void lostLease_cancelsTheEncodeAndWritesNothing() throws Exception {
        store.claimable.add(aTask());
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        Encoder blocking = (request, progress, cancel) -> {
            CountDownLatch stop = new CountDownLatch(1);
            cancel.onCancel(stop::countDown);
            started.countDown();
            try {
                stop.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sawCancel.set(cancel.cancelled());
            throw new CancellationException(cancel.reason());
        };
        try (Worker w = worker(blocking).start()) {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            store.leaseHeld = false; // the job was cancelled, or another worker took the lease
            Await.until("the task to stop", Duration.ofSeconds(10), () -> w.activeTasks() == 0);
        }
        assertThat(sawCancel).isTrue();
        assertThat(store.outcomes).isEmpty();
        assertThat(publisher.published).isEmpty();
    }

    @Test
    void shutdown_releasesTheLeaseOfAnUnfinishedTask() throws Exception {
        store.claimable.add(aTask());
        CountDownLatch started = new CountDownLatch(1);
        Encoder blocking = (request, progress, cancel) -> {
            CountDownLatch stop = new CountDownLatch(1);
            cancel.onCancel(stop::countDown);
            started.countDown();
            try {
                stop.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new CancellationException(cancel.reason());
        };
        Worker w = worker(blocking).start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        w.stop(Duration.ofMillis(100));
        assertThat(store.outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo("release");
    }

    @Test
    void nullEncoder_completesWithoutFetchingOrProbingAndTheWorkerReportsItself() throws Exception {
        store.claimable.add(new ClaimedTask(aTask().task(), "token-1", "file:///nowhere/at/all.mp4"));
        WorkerConfig config = WorkerConfig.builder("w-null", tmp.resolve("work"))
                .slots(2)
                .lease(Duration.ofSeconds(2), Duration.ofMillis(50))
                .clouds(List.of("bench"))
                .encoder(io.nommer.core.encode.noop.NullEncoder.NAME)
                .build();
        InputFetcher refusing = new InputFetcher() {
            @Override
            public LocalInput fetch(URI input, Path workDir) {
                throw new AssertionError("the null encoder needs no input");
            }

            @Override
            public void checkAcceptable(URI input) {}
        };
        try (Worker w = new Worker(
                        config,
                        store,
                        store,
                        store,
                        new SleepingSignal(),
                        refusing,
                        file -> {
                            throw new AssertionError("the null encoder needs no probe");
                        },
                        new io.nommer.core.encode.noop.NullEncoder(),
                        publisher,
                        InstantSource.system())
                .start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("complete");
            assertThat(w.activeTasks()).isZero();
        }
        assertThat(store.completedFiles).isEmpty();
        assertThat(store.reports.get(0)).satisfies(r -> {
            assertThat(r.id()).isEqualTo("w-null");
            assertThat(r.clouds()).containsExactly("bench");
            assertThat(r.slots()).isEqualTo(2);
            assertThat(r.encoder()).isEqualTo("null");
        });
        assertThat(store.reports.get(store.reports.size() - 1))
                .as("removed on stop")
                .isNull();
    }

    // ---------------------------------------------------------------- watermarks

    static final URI LOGO = URI.create("https://cdn.example/logo.png?token=secret");

    private static MediaInfo image(String demuxer, int width, int height) {
        return new MediaInfo(
                demuxer,
                null,
                null,
                1000,
                List.of(new StreamInfo(
                        0, "video", "png", width, height, 25.0, null, null, null, null, "1:1", 0, "progressive")));
    }

    /**
     * Runs one task marked with {@link #LOGO}, whose fetch {@code fetchLogo} answers and whose probe
     * {@code probeLogo} answers, with an encoder that must not run; answers the failure recorded.
     */
    private TaskFailure failsBeforeEncoding(BiFunction<URI, Path, LocalInput> fetchLogo, MediaProber probeLogo)
            throws Exception {
        store.claimable.add(aTask(Profiles.preset("mp4-h264", Map.of("watermark_url", LOGO.toString()))));
        List<URI> fetched = new CopyOnWriteArrayList<>();
        BiFunction<URI, Path, LocalInput> fetch = (uri, dir) -> {
            fetched.add(uri);
            return uri.equals(LOGO) ? fetchLogo.apply(uri, dir) : new LocalInput(Path.of(uri), 13, false);
        };
        MediaProber prober = file -> file.getFileName().toString().equals("logo.png") ? probeLogo.probe(file) : CLIP;
        Encoder encoder = (request, progress, cancel) -> {
            throw new AssertionError("must not encode");
        };
        try (Worker w = worker(encoder, prober, fetch).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("fail");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(fetched)
                .as("the watermark is fetched first; the input is not")
                .containsExactly(LOGO);
        assertThat(store.failure.message())
                .contains("the watermark (watermark_url https://cdn.example/logo.png)")
                .doesNotContain("secret");
        return store.failure;
    }

    private LocalInput logoFile(long size) {
        try {
            Path dir = Files.createDirectories(tmp.resolve("fetched"));
            return new LocalInput(Files.writeString(dir.resolve("logo.png"), "pretend png"), size, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWatermarkThatIsNotAnImage_failsWithWatermarkNotImage() throws Exception {
        TaskFailure notMedia = failsBeforeEncoding((u, d) -> logoFile(11), file -> {
            throw new TaskFailedException(ErrorCode.NOT_MEDIA, "no safe demuxer recognises it");
        });
        assertThat(notMedia.code()).isEqualTo(ErrorCode.WATERMARK_NOT_IMAGE);
        assertThat(notMedia.message()).contains("is not a PNG or JPEG image: no safe demuxer recognises it");
    }

    @Test
    void aWatermarkThatIsAVideo_failsWithWatermarkNotImage() throws Exception {
        TaskFailure video = failsBeforeEncoding((u, d) -> logoFile(11), file -> CLIP);
        assertThat(video.code()).isEqualTo(ErrorCode.WATERMARK_NOT_IMAGE);
        assertThat(video.message()).contains("it was read as 'mov,mp4'");
    }

    @Test
    void aWatermarkOverTheByteLimit_failsWithWatermarkTooLarge_withoutBeingProbed() throws Exception {
        TaskFailure big = failsBeforeEncoding((u, d) -> logoFile(Watermark.MAX_BYTES + 1), file -> {
            throw new AssertionError("must not probe");
        });
        assertThat(big.code()).isEqualTo(ErrorCode.WATERMARK_TOO_LARGE);
        assertThat(big.message()).contains("10485761 bytes, more than the limit of 10485760");
    }

    @Test
    void aWatermarkOverThePixelLimit_failsWithWatermarkTooLarge() throws Exception {
        TaskFailure big = failsBeforeEncoding((u, d) -> logoFile(11), file -> image("png_pipe", 4097, 16));
        assertThat(big.code()).isEqualTo(ErrorCode.WATERMARK_TOO_LARGE);
        assertThat(big.message()).contains("is 4097x16 pixels, more than the limit of 4096x4096");
    }

    @Test
    void aWatermarkThatCannotBeFetched_failsWithTheWatermarkCodeOfTheFetchFailure() throws Exception {
        Map<ErrorCode, ErrorCode> mapped = Map.of(
                ErrorCode.INPUT_NOT_FOUND, ErrorCode.WATERMARK_NOT_FOUND,
                ErrorCode.INPUT_FORBIDDEN, ErrorCode.WATERMARK_FORBIDDEN,
                ErrorCode.INPUT_TOO_LARGE, ErrorCode.WATERMARK_TOO_LARGE,
                ErrorCode.INPUT_FETCH_FAILED, ErrorCode.WATERMARK_FETCH_FAILED);
        for (Map.Entry<ErrorCode, ErrorCode> m : mapped.entrySet()) {
            TaskFailure f = failsBeforeEncoding(
                    (u, d) -> {
                        throw new TaskFailedException(m.getKey(), "the fetcher's reason");
                    },
                    file -> {
                        throw new AssertionError("must not probe");
                    });
            assertThat(f.code()).as("%s", m.getKey()).isEqualTo(m.getValue());
            assertThat(f.message()).endsWith("cannot be fetched: the fetcher's reason");
            store.outcomes.clear();
        }
    }

    @Test
    void aGoodWatermark_reachesTheEncoderWithItsProbedSize() throws Exception {
        store.claimable.add(aTask(Profiles.preset("mp4-h264", Map.of("watermark_url", LOGO.toString()))));
        List<Path> fetchedInto = new CopyOnWriteArrayList<>();
        BiFunction<URI, Path, LocalInput> fetch = (uri, dir) -> {
            if (!uri.equals(LOGO)) {
                return new LocalInput(Path.of(uri), 13, false);
            }
            fetchedInto.add(dir);
            return logoFile(11);
        };
        MediaProber prober =
                file -> file.getFileName().toString().equals("logo.png") ? image("png_pipe,apng", 120, 60) : CLIP;
        List<Watermark> seen = new CopyOnWriteArrayList<>();
        Encoder encoder = (request, progress, cancel) -> {
            seen.add(request.watermark());
            return writingEncoder().encode(request, progress, cancel);
        };
        try (Worker w = worker(encoder, prober, fetch).start()) {
            assertThat(store.outcomes.poll(10, TimeUnit.SECONDS)).isEqualTo("complete");
            assertThat(w.activeTasks()).isLessThanOrEqualTo(1);
        }
        assertThat(seen).containsExactly(new Watermark(tmp.resolve("fetched/logo.png"), "png_pipe", 120, 60));
        assertThat(fetchedInto)
                .singleElement()
                .satisfies(d -> assertThat(d.getFileName().toString()).isEqualTo("watermark"));
    }

    /** A signal nobody sends: idle slots just sleep out their poll interval. */
    static final class SleepingSignal implements QueueSignal {
        @Override
        public void signal() {}

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            Thread.sleep(Math.min(timeout.toMillis(), 20));
            return false;
        }
    }
}
