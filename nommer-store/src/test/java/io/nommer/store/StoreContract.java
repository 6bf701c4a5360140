package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.nommer.core.encode.ErrorCode;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobState;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.Page;
import io.nommer.core.job.StoredProfile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.store.ClaimedTask;
import io.nommer.core.store.Cloud;
import io.nommer.core.store.Completion;
import io.nommer.core.store.CreateResult;
import io.nommer.core.store.Store;
import io.nommer.core.store.TaskFailure;
import io.nommer.core.store.WebhookDelivery;
import io.nommer.core.store.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Store} engine must have. An engine's test is a subclass that opens a fresh, empty store
 * on the given clock.
 */
public abstract class StoreContract {
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Profile H264 = Presets.find("mp4-h264").orElseThrow();
    protected static final Profile MPEG4 = Presets.find("mp4-mpeg4-320x180").orElseThrow();

    protected SettableClock clock;
    protected Store store;
    private int jobs;

    /** A fresh, empty store whose "now" is {@code clock}. */
    protected abstract Store newStore(InstantSource clock);

    @BeforeEach
    void openStore() {
        clock = new SettableClock();
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------- fixtures

    protected JobBuilder aJob() {
        return new JobBuilder(String.format("job_%04d", ++jobs));
    }

    protected static Profile withPriority(Profile p, Priority priority) {
        return p.overlay(new Profile.Builder().set("priority", priority.wireName()).build());
    }

    protected final class JobBuilder {
        private final String id;
        private Priority priority = Priority.NORMAL;
        private final List<OutputSpec> outputs = new ArrayList<>();
        private Map<String, Object> metadata = Map.of();
        private String notifyUrl;
        private String idempotencyKey;
        private int maxAttempts = 3;

        private String cloud;

        JobBuilder(String id) {
            this.id = id;
        }

        public JobBuilder withPriority(Priority p) {
            priority = p;
            return this;
        }

        public JobBuilder withOutput(String name, Profile profile) {
            outputs.add(new OutputSpec(name, "mp4-h264", profile, null));
            return this;
        }

        public JobBuilder withLadderInParts(String name, int parts) {
            outputs.add(new OutputSpec(name, "hls-ladder", H264, null, parts));
            return this;
        }

        public JobBuilder withOutputs(int n) {
            for (int i = 0; i < n; i++) {
                withOutput("out-" + i, H264);
            }
            return this;
        }

        public JobBuilder withMetadata(Map<String, Object> m) {
            metadata = m;
            return this;
        }

        public JobBuilder notifying(String url) {
            notifyUrl = url;
            return this;
        }

        public JobBuilder withIdempotencyKey(String key) {
            idempotencyKey = key;
            return this;
        }

        public JobBuilder inCloud(String name) {
            cloud = name;
            return this;
        }

        public JobBuilder withMaxAttempts(int n) {
            maxAttempts = n;
            return this;
        }

        public NewJob build() {
            List<OutputSpec> outs = outputs.isEmpty() ? List.of(new OutputSpec("main", "mp4-h264", H264, null)) : outputs;
            return new NewJob(id, "file:///in/" + id + ".mov", outs, priority, metadata, notifyUrl, idempotencyKey,
                    maxAttempts, cloud);
        }

        public Job create() {
            return store.createJob(build()).job();
        }
    }

    private ClaimedTask claimOne(String worker) {
        List<ClaimedTask> claimed = store.claim(worker, 1, LEASE);
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }

    private Job job(String id) {
        return store.findJob(id).orElseThrow();
    }

    private Task task(String jobId, int index) {
        return job(jobId).tasks().get(index);
    }

    private List<String> eventTypes(String jobId) {
        return store.events(jobId).stream().map(JobEvent::type).toList();
    }

    private static TaskFailure failure(ErrorCode code, Duration retryAfter) {
        return new TaskFailure(code, "it broke", "last line of ffmpeg", 1.5, retryAfter);
    }

    private static List<OutputFile> files() {
        return List.of(new OutputFile("main.mp4", "file:///out/main.mp4", 1234, "video", 10.0, 1280, 720),
                new OutputFile("thumbs_01.jpg", "file:///out/thumbs_01.jpg", 99, "thumbnail", null, null, null));
    }

    // ---------------------------------------------------------------- jobs

    @Test
    void createJob_storesJobAndOneQueuedTaskPerOutput() {
        NewJob nj = aJob().withPriority(Priority.HIGH).withOutput("hd", H264).withOutput("sd", MPEG4)
                .withMetadata(Map.of("customer", "acme", "n", 7, "tags", List.of("a", "b")))
                .notifying("https://example.com/hook").withMaxAttempts(4).build();

        CreateResult result = store.createJob(nj);

        assertThat(result.created()).isTrue();
        Job job = job(nj.id());
        assertThat(job).isEqualTo(result.job());
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.priority()).isEqualTo(Priority.HIGH);
        assertThat(job.input()).isEqualTo(nj.input());
        assertThat(job.metadata()).isEqualTo(nj.metadata());
        assertThat(job.notifyUrl()).isEqualTo("https://example.com/hook");
        assertThat(job.createdAt()).isEqualTo(clock.instant());
        assertThat(job.startedAt()).isNull();
        assertThat(job.finishedAt()).isNull();
        assertThat(job.inputInfo()).isNull();
        assertThat(job.tasks()).extracting(Task::index, Task::name, Task::state, Task::attempt, Task::maxAttempts)
                .containsExactly(
                        tuple(0, "hd", JobState.QUEUED, 0, 4),
                        tuple(1, "sd", JobState.QUEUED, 0, 4));
        assertThat(job.tasks()).extracting(Task::profile).containsExactly(H264, MPEG4);
        assertThat(job.tasks()).extracting(Task::jobId).containsOnly(nj.id());
        assertThat(job.tasks()).extracting(Task::id).doesNotHaveDuplicates();
        assertThat(eventTypes(nj.id())).containsExactly("job.created");
    }

    @Test
    void createJob_roundTripsTheProfileOfEveryPreset() {
        JobBuilder b = aJob();
        Presets.all().forEach(b::withOutput);

        Job job = b.create();

        assertThat(job(job.id())).isEqualTo(job);
        assertThat(job(job.id()).tasks()).extracting(Task::profile).containsExactlyElementsOf(Presets.all().values());
        assertThat(job(job.id()).tasks().get(1).profile().codecOptions()).isNotEmpty();
    }

    @Test
    void createJob_withKnownIdempotencyKey_returnsTheFirstJobAndStoresNothing() {
        Job first = aJob().withIdempotencyKey("key-1").create();

        CreateResult again = store.createJob(aJob().withIdempotencyKey("key-1").withOutputs(3).build());

        assertThat(again.created()).isFalse();
        assertThat(again.job()).isEqualTo(job(first.id()));
        assertThat(store.listJobs(new JobFilter(null, null, null, null, 10)).items()).hasSize(1);
        assertThat(store.createJob(aJob().withIdempotencyKey("key-2").build()).created()).isTrue();
    }

    @Test
    void findJob_unknownId_isEmpty() {
        assertThat(store.findJob("job_nope")).isEmpty();
        assertThat(store.cancelJob("job_nope")).isEmpty();
        assertThat(store.retryJob("job_nope")).isEmpty();
    }

    @Test
    void events_areListedInTheOrderTheyWereWritten() {
        Job job = aJob().create();
        clock.tick(Duration.ofSeconds(1));
        store.addEvent(job.id(), null, "custom.one", "first");
        ClaimedTask c = claimOne("w1");
        store.addEvent(job.id(), c.taskId(), "task.probed", "mov, 10s");
        store.complete(c.taskId(), c.leaseToken(), files(), 2);

        List<JobEvent> events = store.events(job.id());

        assertThat(events).extracting(JobEvent::type).containsExactly(
                "job.created", "custom.one", "task.started", "task.probed", "task.succeeded", "job.succeeded");
        assertThat(events.get(1).message()).isEqualTo("first");
        assertThat(events.get(1).at()).isEqualTo(clock.instant());
        assertThat(events.get(3).taskId()).isEqualTo(c.taskId());
        assertThat(events).extracting(JobEvent::id).isSorted();
    }

    @Test
    void listJobs_pagesNewestFirstWithAStableCursor() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(aJob().create().id());
            if (i % 2 == 0) {
                clock.tick(Duration.ofSeconds(1)); // pairs share a creation time: the id breaks the tie
            }
        }
        List<String> expected = new ArrayList<>(ids);
        Collections.reverse(expected);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Job> page = store.listJobs(new JobFilter(null, null, null, cursor, 3));
            assertThat(page.items().size()).isLessThanOrEqualTo(3);
            page.items().forEach(j -> seen.add(j.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void listJobs_lastFullPageHasNoCursor() {
        aJob().create();
        aJob().create();

        assertThat(store.listJobs(new JobFilter(null, null, null, null, 2)).nextCursor()).isNull();
    }

    @Test
    void listJobs_filtersByStateAndCreationRange() {
        Instant t0 = clock.instant();
        Job a = aJob().create();
        clock.tick(Duration.ofMinutes(1));
        Job b = aJob().create();
        clock.tick(Duration.ofMinutes(1));
        Job c = aJob().create();
        store.cancelJob(b.id());

        assertThat(ids(new JobFilter(Set.of(JobState.QUEUED), null, null, null, 10))).containsExactly(c.id(), a.id());
        assertThat(ids(new JobFilter(Set.of(JobState.CANCELLED, JobState.RUNNING), null, null, null, 10)))
                .containsExactly(b.id());
        assertThat(ids(new JobFilter(null, t0.plus(Duration.ofMinutes(1)), null, null, 10)))
                .containsExactly(c.id(), b.id());
        assertThat(ids(new JobFilter(null, null, t0.plus(Duration.ofMinutes(1)), null, 10))).containsExactly(a.id());
        assertThat(ids(new JobFilter(null, t0, t0.plus(Duration.ofMinutes(2)), null, 10)))
                .containsExactly(b.id(), a.id());
    }

    private List<String> ids(JobFilter f) {
        return store.listJobs(f).items().stream().map(Job::id).toList();
    }

    @Test
    void listJobs_includesEachJobsTasksInIndexOrder() {
        Job job = aJob().withOutputs(12).create();
        aJob().withOutputs(2).create();

        List<Job> listed = store.listJobs(new JobFilter(null, null, null, null, 10)).items();

        assertThat(listed).hasSize(2);
        Job mine = listed.get(1);
        assertThat(mine.id()).isEqualTo(job.id());
        assertThat(mine.tasks()).extracting(Task::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(listed.get(0).tasks()).hasSize(2);
    }

    @Test
    void listJobs_rejectsAnInvalidCursor() {
        String notBase64 = "%%%";
        String noColon = Base64.getUrlEncoder().encodeToString("12345".getBytes(StandardCharsets.UTF_8));
        String notANumber = Base64.getUrlEncoder().encodeToString("abc:job_1".getBytes(StandardCharsets.UTF_8));

        for (String bad : List.of(notBase64, noColon, notANumber)) {
            assertThatThrownBy(() -> store.listJobs(new JobFilter(null, null, null, bad, 10)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid cursor");
        }
    }

    @Test
    void recordInputInfo_keepsTheFirstProbe() {
        Job job = aJob().create();
        MediaInfo first = new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 10.5, 1_000_000L, 123_456, List.of(
                new StreamInfo(0, "video", "h264", 1920, 1080, 29.97, 900_000L, null, null, 10.5, "1:1", 90),
                new StreamInfo(1, "audio", "aac", null, null, null, null, 48000, 2, 10.4, null, 0)));
        MediaInfo second = new MediaInfo("matroska,webm", null, null, 1, List.of());

        store.recordInputInfo(job.id(), first);
        store.recordInputInfo(job.id(), second);

        assertThat(job(job.id()).inputInfo()).isEqualTo(first);
    }

    // ---------------------------------------------------------------- claim

    @Test
    void claim_leasesTaskWithFreshTokenAndStartsItsJob() {
        Job job = aJob().create();
        clock.tick(Duration.ofSeconds(5));

        ClaimedTask c = claimOne("w1");

        assertThat(c.jobId()).isEqualTo(job.id());
        assertThat(c.input()).isEqualTo(job.input());
        assertThat(c.leaseToken()).isNotBlank();
        assertThat(c.task().state()).isEqualTo(JobState.RUNNING);
        assertThat(c.task().attempt()).isEqualTo(1);
        assertThat(c.task().startedAt()).isEqualTo(clock.instant());
        Job running = job(job.id());
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.startedAt()).isEqualTo(clock.instant());
        assertThat(eventTypes(job.id())).containsExactly("job.created", "task.started");
    }

    @Test
    void claim_takesJobPriorityFirstThenProfilePriorityThenAge() {
        Job normalOld = aJob().create();
        clock.tick(Duration.ofSeconds(1));
        Job lowJobHighProfile = aJob().withPriority(Priority.LOW).withOutput("o", withPriority(H264, Priority.HIGH))
                .create();
        clock.tick(Duration.ofSeconds(1));
        Job highJobLowProfile = aJob().withPriority(Priority.HIGH).withOutput("o", withPriority(H264, Priority.LOW))
                .create();
        clock.tick(Duration.ofSeconds(1));
        Job normalHighProfile = aJob().withOutput("o", withPriority(H264, Priority.HIGH)).create();
        Job normalNew = aJob().create(); // same millisecond as the one before: age is still creation order

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            order.add(claimOne("w1").jobId());
        }

        assertThat(order).containsExactly(highJobLowProfile.id(), normalHighProfile.id(), normalOld.id(),
                normalNew.id(), lowJobHighProfile.id());
        assertThat(store.claim("w1", 1, LEASE)).isEmpty();
    }

    @Test
    void claim_takesOnlyTheWorkersCloudsHigherCloudPriorityFirst() {
        store.putCloud("gpu", 10);
        store.putCloud("batch", -5);
        Job inDefault = aJob().withPriority(Priority.HIGH).create();
        Job inBatch = aJob().withPriority(Priority.HIGH).inCloud("batch").create();
        Job inGpu = aJob().withPriority(Priority.LOW).inCloud("gpu").create();
        Job inGpuNormal = aJob().inCloud("gpu").create();

        assertThat(store.claim("w-batch", List.of("batch"), 5, LEASE)).extracting(ClaimedTask::jobId)
                .containsExactly(inBatch.id());
        List<String> order = new ArrayList<>();
        for (ClaimedTask c : store.claim("w-all", List.of("default", "gpu", "nowhere"), 5, LEASE)) {
            order.add(c.jobId());
        }
        // cloud priority beats job priority; within a cloud, task priority then age
        assertThat(order).containsExactly(inGpuNormal.id(), inGpu.id(), inDefault.id());
        assertThat(job(inGpu.id()).cloud()).isEqualTo("gpu");
        assertThat(job(inDefault.id()).cloud()).isEqualTo(Cloud.DEFAULT);
    }

    @Test
    void claim_fromCloudsOfEqualPriority_takesTaskPriorityThenAgeAcrossThem() {
        store.putCloud("a", 0);
        Job older = aJob().inCloud("a").create();
        Job newerHigh = aJob().withPriority(Priority.HIGH).create();
        Job newest = aJob().inCloud("a").create();

        assertThat(store.claim("w", List.of("a", "default"), 3, LEASE)).extracting(ClaimedTask::jobId)
                .containsExactly(newerHigh.id(), older.id(), newest.id());
    }

    @Test
    void clouds_canBeCreatedReprioritizedListedAndDeletedButNotWhileBusy() {
        assertThat(store.listClouds()).extracting(Cloud::name).containsExactly(Cloud.DEFAULT);
        store.putCloud("low", -1);
        Cloud hi = store.putCloud("hi", 5);
        assertThat(hi.priority()).isEqualTo(5);
        assertThat(hi.createdAt()).isEqualTo(clock.instant());
        assertThat(store.putCloud("low", 50).priority()).isEqualTo(50);
        assertThat(store.listClouds()).extracting(Cloud::name).containsExactly("low", "hi", Cloud.DEFAULT);

        Job busy = aJob().inCloud("hi").create();
        assertThatThrownBy(() -> store.deleteCloud("hi")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 queued or running");
        assertThatThrownBy(() -> store.deleteCloud(Cloud.DEFAULT)).isInstanceOf(IllegalStateException.class);
        store.cancelJob(busy.id());
        assertThat(store.deleteCloud("hi")).isTrue();
        assertThat(store.deleteCloud("hi")).isFalse();
        assertThat(store.findCloud("hi")).isEmpty();
    }

    @Test
    void createJobs_storesAllInOneGoAndHonoursIdempotencyKeys() {
        Job earlier = aJob().withIdempotencyKey("k1").create();
        List<CreateResult> results = store.createJobs(List.of(
                aJob().withOutputs(2).build(),
                aJob().withIdempotencyKey("k1").build(),
                aJob().withIdempotencyKey("k2").build(),
                aJob().withIdempotencyKey("k2").build()));

        assertThat(results).extracting(CreateResult::created).containsExactly(true, false, true, false);
        assertThat(results.get(0).job().tasks()).hasSize(2);
        assertThat(results.get(1).job().id()).isEqualTo(earlier.id());
        assertThat(results.get(3).job().id()).isEqualTo(results.get(2).job().id());
        assertThat(results).allSatisfy(r -> assertThat(r.job()).isEqualTo(job(r.job().id())));
        assertThat(store.listJobs(new JobFilter(Set.of(), null, null, null, 100)).items()).hasSize(3);
        assertThat(eventTypes(results.get(0).job().id())).containsExactly("job.created");
        assertThat(store.claim("w", 10, LEASE)).hasSize(4);
    }

    @Test
    void completeAll_recordsEachHeldTaskAndSkipsStaleTokens() {
        Job a = aJob().notifying("http://hooks.example/a").create();
        Job b = aJob().withOutputs(2).create();
        Job quiet = aJob().create();
        List<ClaimedTask> claimed = store.claim("w", 4, LEASE);
        assertThat(claimed).hasSize(4);

        List<Boolean> held = store.completeAll(List.of(
                new Completion(claimed.get(0).taskId(), claimed.get(0).leaseToken(), files(), 1),
                new Completion(claimed.get(1).taskId(), "stale-token", List.of(), 1),
                new Completion(claimed.get(2).taskId(), claimed.get(2).leaseToken(), List.of(), 1),
                new Completion(claimed.get(3).taskId(), claimed.get(3).leaseToken(), List.of(), 1)));

        assertThat(held).containsExactly(true, false, true, true);
        assertThat(job(a.id()).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(a.id()).tasks().get(0).files()).isEqualTo(files());
        assertThat(job(b.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(quiet.id()).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(store.dueWebhooks(10)).as("only the job with a notify URL")
                .extracting(WebhookDelivery::jobId).containsExactly(a.id());
        assertThat(eventTypes(a.id())).containsExactly("job.created", "task.started", "task.succeeded", "job.succeeded");
    }

    @Test
    void workers_areListedWhileSeenAndForgottenWhenStaleOrRemoved() {
        store.recordWorker(new WorkerStatus("w1", List.of("default", "gpu"), 4, 1, "host-a", "ffmpeg", null, null));
        clock.tick(Duration.ofSeconds(30));
        store.recordWorker(new WorkerStatus("w2", List.of("default"), 1, 0, "host-b", "null", null, null));
        store.recordWorker(new WorkerStatus("w2", List.of("default"), 2, 2, "host-b", "null", null, null));

        List<WorkerStatus> seen = store.listWorkers(Duration.ofMinutes(1));
        assertThat(seen).extracting(WorkerStatus::id).containsExactly("w1", "w2");
        WorkerStatus w1 = seen.get(0);
        assertThat(w1.clouds()).containsExactly("default", "gpu");
        assertThat(w1.lastSeen()).isEqualTo(clock.instant().minusSeconds(30));
        assertThat(seen.get(1).active()).isEqualTo(2);
        assertThat(seen.get(1).startedAt()).isEqualTo(clock.instant());

        clock.tick(Duration.ofSeconds(45));
        assertThat(store.listWorkers(Duration.ofMinutes(1))).extracting(WorkerStatus::id).containsExactly("w2");
        store.removeWorker("w2");
        assertThat(store.listWorkers(Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void ladderInParts_packagingWaitsForEveryRendition() {
        Job job = aJob().withLadderInParts("hls", 2).create();
        assertThat(job(job.id())).isEqualTo(job);
        assertThat(job.tasks()).extracting(Task::part).containsExactly(null, 0, 1);
        assertThat(job.tasks()).extracting(Task::parts).containsExactly(2, 0, 0);
        assertThat(job.tasks()).extracting(Task::name).containsOnly("hls");

        List<ClaimedTask> renditions = store.claim("w", 5, LEASE);
        assertThat(renditions).extracting(c -> c.task().part()).containsExactly(0, 1);
        store.complete(renditions.get(0).taskId(), renditions.get(0).leaseToken(), files(), 1);
        assertThat(store.claim("w", 5, LEASE)).as("one rendition still running").isEmpty();
        store.complete(renditions.get(1).taskId(), renditions.get(1).leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.RUNNING);

        ClaimedTask packaging = claimOne("w");
        assertThat(packaging.task().part()).isNull();
        store.complete(packaging.taskId(), packaging.leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void ladderInParts_aFailedRenditionFailsThePackagingAndRetryWaitsAgain() {
        Job job = aJob().withLadderInParts("hls", 2).create();
        List<ClaimedTask> renditions = store.claim("w", 5, LEASE);
        store.complete(renditions.get(1).taskId(), renditions.get(1).leaseToken(), files(), 1);
        store.fail(renditions.get(0).taskId(), renditions.get(0).leaseToken(),
                new TaskFailure(ErrorCode.ENCODE_FAILED, "boom", null, 0, Duration.ZERO));

        Job failed = job(job.id());
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.tasks().get(0).errorCode()).isEqualTo("part_failed");
        assertThat(failed.tasks().get(0).errorMessage()).startsWith("rendition 1 failed: encode_failed");

        store.retryJob(job.id());
        ClaimedTask again = claimOne("w");
        assertThat(again.task().part()).as("only the failed rendition runs again").isEqualTo(0);
        assertThat(store.claim("w", 5, LEASE)).as("packaging waits for it").isEmpty();
        store.complete(again.taskId(), again.leaseToken(), files(), 1);
        ClaimedTask packaging = claimOne("w");
        store.complete(packaging.taskId(), packaging.leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void claim_takesAtMostMaxTasks() {
        aJob().withOutputs(5).create();

        assertThat(store.claim("w1", 3, LEASE)).hasSize(3).extracting(c -> c.task().index()).containsExactly(0, 1, 2);
        assertThat(store.claim("w1", 3, LEASE)).hasSize(2);
        assertThat(store.claim("w1", 0, LEASE)).isEmpty();
    }

    @Test
    void claim_skipsTaskLeasedByAnotherWorker() {
        aJob().create();
        claimOne("w1");

        assertThat(store.claim("w2", 5, LEASE)).isEmpty();
    }

    @Test
    void claim_skipsTaskWhoseRetryIsNotDueYet() {
        Job job = aJob().create();
        ClaimedTask c = claimOne("w1");
        store.fail(c.taskId(), c.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, Duration.ofMinutes(2)));

        assertThat(store.claim("w1", 1, LEASE)).isEmpty();
        assertThat(store.nextRunnableAt()).contains(clock.instant().plus(Duration.ofMinutes(2)));

        clock.tick(Duration.ofMinutes(2));
        ClaimedTask again = claimOne("w2");
        assertThat(again.jobId()).isEqualTo(job.id());
        assertThat(again.task().attempt()).isEqualTo(2);
        assertThat(again.leaseToken()).isNotEqualTo(c.leaseToken());
    }

    @Test
    void nextRunnableAt_isEmptyWhenNothingIsQueued() {
        assertThat(store.nextRunnableAt()).isEmpty();
        aJob().create();
        assertThat(store.nextRunnableAt()).contains(clock.instant());
        claimOne("w1");
        assertThat(store.nextRunnableAt()).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void claim_fromManyThreadsAtOnce_neverHandsOutATaskTwice() throws Exception {
        int tasks = 200;
        for (int i = 0; i < tasks / 10; i++) {
            aJob().withOutputs(10).create();
        }
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String worker = "w" + t;
                int batch = 1 + t % 3;
                Callable<List<String>> claimer = () -> {
                    List<String> mine = new ArrayList<>();
                    start.await();
                    while (true) {
                        List<ClaimedTask> got = store.claim(worker, batch, LEASE);
                        if (got.isEmpty()) {
                            return mine;
                        }
                        got.forEach(c -> mine.add(c.taskId()));
                    }
                };
                results.add(pool.submit(claimer));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : results) {
                all.addAll(f.get(100, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(tasks).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- leases and fencing

    @Test
    void heartbeat_extendsTheLeaseAndRecordsProgress() {
        Job job = aJob().create();
        ClaimedTask c = claimOne("w1");

        clock.tick(Duration.ofSeconds(20));
        assertThat(store.heartbeat(c.taskId(), c.leaseToken(), LEASE, 42.5)).isTrue();
        clock.tick(Duration.ofSeconds(20));
        assertThat(store.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isTrue();
        clock.tick(Duration.ofSeconds(20));

        assertThat(store.reapExpiredLeases(Duration.ZERO)).isZero();
        assertThat(task(job.id(), 0).state()).isEqualTo(JobState.RUNNING);
        assertThat(task(job.id(), 0).progress()).isEqualTo(42.5);
    }

    @Test
    void writesWithAStaleToken_changeNothing() {
        Job job = aJob().create();
        ClaimedTask c = claimOne("w1");
        Task before = task(job.id(), 0);
        List<String> eventsBefore = eventTypes(job.id());

        assertThat(store.heartbeat(c.taskId(), "stale", LEASE, 50.0)).isFalse();
        assertThat(store.complete(c.taskId(), "stale", files(), 1)).isFalse();
        assertThat(store.fail(c.taskId(), "stale", failure(ErrorCode.ENCODE_FAILED, null))).isFalse();
        assertThat(store.release(c.taskId(), "stale")).isFalse();
        assertThat(store.heartbeat("tsk_unknown", c.leaseToken(), LEASE, 50.0)).isFalse();

        assertThat(task(job.id(), 0)).isEqualTo(before);
        assertThat(eventTypes(job.id())).isEqualTo(eventsBefore);
    }

    @Test
    void workerPausedPastItsLease_cannotOverwriteTheNewerAttemptsResult() {
        Job job = aJob().create();
        ClaimedTask paused = claimOne("w1");
        clock.tick(LEASE.plusSeconds(1));
        assertThat(store.reapExpiredLeases(Duration.ZERO)).isEqualTo(1);
        ClaimedTask newer = claimOne("w2");
        assertThat(store.complete(newer.taskId(), newer.leaseToken(), files(), 3)).isTrue();

        // w1 wakes up and reports as if nothing happened
        assertThat(store.heartbeat(paused.taskId(), paused.leaseToken(), LEASE, 99.0)).isFalse();
        assertThat(store.fail(paused.taskId(), paused.leaseToken(), failure(ErrorCode.ENCODE_FAILED, null))).isFalse();
        assertThat(store.complete(paused.taskId(), paused.leaseToken(), List.of(), 1)).isFalse();
        assertThat(store.release(paused.taskId(), paused.leaseToken())).isFalse();

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(t.attempt()).isEqualTo(2);
        assertThat(t.files()).isEqualTo(files());
        assertThat(t.cpuSeconds()).isEqualTo(3);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void workerPausedPastItsLease_losesToAnotherWorkerWhileTheNewerAttemptRuns() {
        aJob().create();
        ClaimedTask paused = claimOne("w1");
        clock.tick(LEASE.plusSeconds(1));
        store.reapExpiredLeases(Duration.ZERO);
        ClaimedTask newer = claimOne("w2");

        assertThat(store.complete(paused.taskId(), paused.leaseToken(), files(), 1)).isFalse();
        assertThat(store.heartbeat(newer.taskId(), newer.leaseToken(), LEASE, 10.0)).isTrue();
    }

    @Test
    void release_givesTheTaskBackWithoutCountingTheAttempt() {
        Job job = aJob().withMaxAttempts(1).create();
        ClaimedTask c = claimOne("w1");

        assertThat(store.release(c.taskId(), c.leaseToken())).isTrue();

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.QUEUED);
        assertThat(t.attempt()).isZero();
        assertThat(eventTypes(job.id())).endsWith("task.released");
        assertThat(store.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isFalse();
        ClaimedTask again = claimOne("w2");
        assertThat(again.task().attempt()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- results

    @Test
    void complete_recordsFilesAndCpuAndSucceedsTheJobWithItsLastTask() {
        Job job = aJob().withOutputs(2).create();
        ClaimedTask first = claimOne("w1");
        ClaimedTask second = claimOne("w2");
        clock.tick(Duration.ofSeconds(10));

        assertThat(store.complete(first.taskId(), first.leaseToken(), files(), 4.25)).isTrue();
        assertThat(job(job.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(store.complete(second.taskId(), second.leaseToken(), List.of(), 1)).isTrue();

        Job done = job(job.id());
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(done.progress()).isEqualTo(100);
        Task t = done.tasks().get(0);
        assertThat(t.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(t.progress()).isEqualTo(100);
        assertThat(t.files()).isEqualTo(files());
        assertThat(t.cpuSeconds()).isEqualTo(4.25);
        assertThat(t.finishedAt()).isEqualTo(clock.instant());
        assertThat(eventTypes(job.id())).containsExactly("job.created", "task.started", "task.started",
                "task.succeeded", "task.succeeded", "job.succeeded");
        assertThat(store.dueWebhooks(10)).as("no notify_url, no webhook").isEmpty();
    }

    @Test
    void fail_withRetryableCode_requeuesUntilMaxAttemptsThenFails() {
        Job job = aJob().withMaxAttempts(3).create();

        for (int attempt = 1; attempt <= 3; attempt++) {
            ClaimedTask c = claimOne("w1");
            assertThat(c.task().attempt()).isEqualTo(attempt);
            assertThat(store.fail(c.taskId(), c.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null))).isTrue();
            Task t = task(job.id(), 0);
            if (attempt < 3) {
                assertThat(t.state()).isEqualTo(JobState.QUEUED);
                assertThat(job(job.id()).state()).isEqualTo(JobState.RUNNING);
            } else {
                assertThat(t.state()).isEqualTo(JobState.FAILED);
            }
        }

        Task t = task(job.id(), 0);
        assertThat(t.errorCode()).isEqualTo("output_failed");
        assertThat(t.errorMessage()).isEqualTo("it broke");
        assertThat(t.logTail()).isEqualTo("last line of ffmpeg");
        assertThat(t.cpuSeconds()).isEqualTo(4.5);
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(eventTypes(job.id())).containsExactly("job.created", "task.started", "task.retrying",
                "task.started", "task.retrying", "task.started", "task.failed", "job.failed");
        assertThat(store.claim("w1", 1, LEASE)).isEmpty();
    }

    @Test
    void fail_withNonRetryableCode_failsAtOnce() {
        Job job = aJob().withMaxAttempts(5).create();
        ClaimedTask c = claimOne("w1");

        assertThat(store.fail(c.taskId(), c.leaseToken(), failure(ErrorCode.NOT_MEDIA, Duration.ofSeconds(1)))).isTrue();

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.FAILED);
        assertThat(t.errorCode()).isEqualTo("not_media");
        assertThat(t.attempt()).isEqualTo(1);
        assertThat(t.finishedAt()).isEqualTo(clock.instant());
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(store.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isFalse();
    }

    @Test
    void job_failsWhenAnyTaskFailedEvenIfOthersSucceeded() {
        Job job = aJob().withOutputs(2).notifying("https://example.com/hook").create();
        ClaimedTask a = claimOne("w1");
        ClaimedTask b = claimOne("w1");
        store.fail(a.taskId(), a.leaseToken(), failure(ErrorCode.ENCODE_FAILED, null));
        assertThat(job(job.id()).state()).as("one task still running").isEqualTo(JobState.RUNNING);
        assertThat(store.dueWebhooks(10)).isEmpty();

        store.complete(b.taskId(), b.leaseToken(), files(), 1);

        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(eventTypes(job.id())).endsWith("task.succeeded", "job.failed");
        assertThat(store.dueWebhooks(10)).singleElement().satisfies(w -> {
            assertThat(w.jobId()).isEqualTo(job.id());
            assertThat(w.url()).isEqualTo("https://example.com/hook");
            assertThat(w.event()).isEqualTo("job.failed");
            assertThat(w.attempts()).isZero();
        });
    }

    @Test
    void dueWebhooks_areClaimedSoTwoRelaysDoNotSendOneTwice() {
        Job job = aJob().notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        store.complete(c.taskId(), c.leaseToken(), files(), 1);

        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::jobId).containsExactly(job.id());
        assertThat(store.dueWebhooks(10)).as("claimed by the first relay").isEmpty();
        clock.tick(Duration.ofMinutes(1).plusMillis(1));
        assertThat(store.dueWebhooks(10)).as("the first relay died; its claim lapsed").hasSize(1);
    }

    // ---------------------------------------------------------------- reaper

    @Test
    void reaper_requeuesExpiredLeaseAfterBackoffTimesAttempt() {
        Job job = aJob().withMaxAttempts(3).create();
        claimOne("w1");
        clock.tick(LEASE);
        assertThat(store.reapExpiredLeases(Duration.ofSeconds(10))).as("not yet expired").isZero();
        clock.tick(Duration.ofMillis(1));

        assertThat(store.reapExpiredLeases(Duration.ofSeconds(10))).isEqualTo(1);

        assertThat(task(job.id(), 0).state()).isEqualTo(JobState.QUEUED);
        assertThat(eventTypes(job.id())).endsWith("task.lease_expired");
        assertThat(store.nextRunnableAt()).contains(clock.instant().plusSeconds(10));
        assertThat(store.claim("w2", 1, LEASE)).isEmpty();
        clock.tick(Duration.ofSeconds(10));
        assertThat(claimOne("w2").task().attempt()).isEqualTo(2);

        clock.tick(LEASE.plusSeconds(1));
        store.reapExpiredLeases(Duration.ofSeconds(10));
        assertThat(store.nextRunnableAt()).as("backoff grows with the attempt")
                .contains(clock.instant().plusSeconds(20));
    }

    @Test
    void reaper_failsTaskWithLeaseExpiredWhenNoAttemptsAreLeft() {
        Job job = aJob().withMaxAttempts(1).notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        clock.tick(LEASE.plusSeconds(1));

        assertThat(store.reapExpiredLeases(Duration.ofSeconds(10))).isEqualTo(1);

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.FAILED);
        assertThat(t.errorCode()).isEqualTo("lease_expired");
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::event).containsExactly("job.failed");
        assertThat(store.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isFalse();
        assertThat(store.reapExpiredLeases(Duration.ZERO)).isZero();
    }

    // ---------------------------------------------------------------- cancel and retry

    @Test
    void cancelJob_cancelsUnfinishedTasksAndMakesHeartbeatsFail() {
        Job job = aJob().withOutputs(3).notifying("https://example.com/hook").create();
        ClaimedTask done = claimOne("w1");
        store.complete(done.taskId(), done.leaseToken(), files(), 1);
        ClaimedTask running = claimOne("w2");

        Job cancelled = store.cancelJob(job.id()).orElseThrow();

        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.finishedAt()).isEqualTo(clock.instant());
        assertThat(cancelled.tasks()).extracting(Task::state)
                .containsExactly(JobState.SUCCEEDED, JobState.CANCELLED, JobState.CANCELLED);
        assertThat(store.heartbeat(running.taskId(), running.leaseToken(), LEASE, 50.0)).isFalse();
        assertThat(store.complete(running.taskId(), running.leaseToken(), files(), 1)).isFalse();
        assertThat(eventTypes(job.id())).endsWith("job.cancelled");
        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::event).containsExactly("job.cancelled");
        assertThat(store.claim("w3", 5, LEASE)).isEmpty();
    }

    @Test
    void cancelJob_whenAlreadyTerminal_throwsNamingTheJob() {
        Job job = aJob().create();
        store.cancelJob(job.id());

        assertThatThrownBy(() -> store.cancelJob(job.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(job.id());
    }

    @Test
    void retryJob_requeuesOnlyFailedAndCancelledTasksWithAFreshAllowance() {
        Job job = aJob().withOutputs(2).withMaxAttempts(2).create();
        ClaimedTask ok = claimOne("w1");
        ClaimedTask bad = claimOne("w1");
        store.complete(ok.taskId(), ok.leaseToken(), files(), 1);
        store.fail(bad.taskId(), bad.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null));
        ClaimedTask bad2 = claimOne("w1");
        store.fail(bad2.taskId(), bad2.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null));
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        clock.tick(Duration.ofMinutes(1));

        Job retried = store.retryJob(job.id()).orElseThrow();

        assertThat(retried.state()).isEqualTo(JobState.QUEUED);
        assertThat(retried.finishedAt()).isNull();
        Task kept = retried.tasks().get(0);
        assertThat(kept.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(kept.files()).isEqualTo(files());
        Task again = retried.tasks().get(1);
        assertThat(again.state()).isEqualTo(JobState.QUEUED);
        assertThat(again.errorCode()).isNull();
        assertThat(again.errorMessage()).isNull();
        assertThat(again.logTail()).isNull();
        assertThat(again.progress()).isZero();
        assertThat(again.finishedAt()).isNull();
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.maxAttempts()).isEqualTo(4);
        assertThat(eventTypes(job.id())).endsWith("job.retried");

        ClaimedTask third = claimOne("w1");
        assertThat(third.taskId()).isEqualTo(bad.taskId());
        assertThat(third.task().attempt()).isEqualTo(3);
        assertThat(job(job.id()).state()).isEqualTo(JobState.RUNNING);
        store.complete(third.taskId(), third.leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void retryJob_requeuesCancelledTasks() {
        Job job = aJob().withOutputs(2).create();
        store.cancelJob(job.id());

        Job retried = store.retryJob(job.id()).orElseThrow();

        assertThat(retried.tasks()).extracting(Task::state).containsOnly(JobState.QUEUED);
        assertThat(retried.tasks()).extracting(Task::maxAttempts).containsOnly(3);
        assertThat(store.claim("w1", 5, LEASE)).hasSize(2);
    }

    @Test
    void retryJob_refusesJobsThatAreNotFailedOrCancelled() {
        Job queued = aJob().create();
        assertThatThrownBy(() -> store.retryJob(queued.id()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(queued.id());
        ClaimedTask c = claimOne("w1");
        assertThatThrownBy(() -> store.retryJob(queued.id())).isInstanceOf(IllegalStateException.class);
        store.complete(c.taskId(), c.leaseToken(), files(), 1);
        assertThatThrownBy(() -> store.retryJob(queued.id())).isInstanceOf(IllegalStateException.class);
        assertThat(job(queued.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    // ---------------------------------------------------------------- profiles

    @Test
    void profiles_canBeCreatedReadListedReplacedAndDeleted() {
        Profile small = new Profile.Builder().set("width", 640).set("height", 360).set("fps", 29.97).build();
        Instant created = clock.instant();

        StoredProfile put = store.putProfile("small", "mp4-h264", small);
        store.putProfile("audio-only", null, Presets.find("mp3").orElseThrow());

        assertThat(put).isEqualTo(new StoredProfile("small", "mp4-h264", small, created, created));
        assertThat(store.findProfile("small")).contains(put);
        assertThat(store.listProfiles()).extracting(StoredProfile::name).containsExactly("audio-only", "small");

        clock.tick(Duration.ofMinutes(5));
        StoredProfile replaced = store.putProfile("small", null, MPEG4);
        assertThat(replaced.preset()).isNull();
        assertThat(replaced.fields()).isEqualTo(MPEG4);
        assertThat(replaced.createdAt()).isEqualTo(created);
        assertThat(replaced.updatedAt()).isEqualTo(clock.instant());

        assertThat(store.deleteProfile("small")).isTrue();
        assertThat(store.deleteProfile("small")).isFalse();
        assertThat(store.findProfile("small")).isEmpty();
        assertThat(store.listProfiles()).extracting(StoredProfile::name).containsExactly("audio-only");
    }

    // ---------------------------------------------------------------- webhook outbox

    @Test
    void webhook_isRetriedAfterFailuresUntilItGivesUp() {
        Job job = aJob().notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        store.complete(c.taskId(), c.leaseToken(), files(), 1);
        WebhookDelivery due = store.dueWebhooks(10).get(0);
        assertThat(due.event()).isEqualTo("job.succeeded");
        assertThat(due.jobId()).isEqualTo(job.id());

        store.markWebhookFailed(due.id(), "HTTP 500", Duration.ofMinutes(1), 3);
        assertThat(store.dueWebhooks(10)).isEmpty();
        clock.tick(Duration.ofMinutes(1));
        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::attempts).containsExactly(1);

        store.markWebhookFailed(due.id(), "timeout", Duration.ofMinutes(1), 3);
        clock.tick(Duration.ofMinutes(1));
        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::attempts).containsExactly(2);
        store.markWebhookFailed(due.id(), "timeout", Duration.ofMinutes(1), 3);

        clock.tick(Duration.ofDays(2));
        assertThat(store.dueWebhooks(10)).as("given up after 3 attempts").isEmpty();
    }

    @Test
    void webhook_isNotDueOnceDelivered() {
        aJob().notifying("https://example.com/a").create();
        aJob().notifying("https://example.com/b").create();
        List<ClaimedTask> claimed = store.claim("w1", 2, LEASE);
        claimed.forEach(c -> store.complete(c.taskId(), c.leaseToken(), files(), 1));
        List<WebhookDelivery> first = store.dueWebhooks(1);
        assertThat(first).extracting(WebhookDelivery::url).as("oldest first, at most max").containsExactly("https://example.com/a");

        store.markWebhookDelivered(first.get(0).id(), 204);

        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::url).containsExactly("https://example.com/b");
        clock.tick(Duration.ofHours(1));
        assertThat(store.dueWebhooks(10)).extracting(WebhookDelivery::url).as("a delivered webhook is never due again")
                .containsExactly("https://example.com/b");
    }

    @Test
    void timestamps_comeFromTheStoresClock() {
        Set<Instant> seen = new HashSet<>();
        Job job = aJob().create();
        seen.add(job.createdAt());
        clock.tick(Duration.ofHours(1));
        claimOne("w1");
        seen.add(job(job.id()).startedAt());

        assertThat(seen).containsExactlyInAnyOrder(SettableClock.START, SettableClock.START.plus(Duration.ofHours(1)));
    }
}
