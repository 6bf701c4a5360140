package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.job.CreateResult;
import io.nommer.core.job.DestinationTakenException;
import io.nommer.core.job.IdempotencyKeyReusedException;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobState;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.Page;
import io.nommer.core.job.Task;
import io.nommer.core.job.Timeline;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.webhook.WebhookDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every engine's {@link JobStore} must do: jobs: create (with idempotency keys), find, list with cursors, timelines, cancel and retry. */
public abstract class JobStoreContract extends StoreFixture {
    @Test
    void createJob_storesJobAndOneQueuedTaskPerOutput() {
        NewJob nj = aJob().withPriority(Priority.HIGH)
                .withOutput("hd", H264)
                .withOutput("sd", MPEG4)
                .withMetadata(Map.of("customer", "acme", "n", 7, "tags", List.of("a", "b")))
                .notifying("https://example.com/hook")
                .withMaxAttempts(4)
                .build();

        CreateResult result = jobs.create(nj);

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
        assertThat(job.tasks())
                .extracting(Task::index, Task::name, Task::state, Task::attempt, Task::maxAttempts)
                .containsExactly(tuple(0, "hd", JobState.QUEUED, 0, 4), tuple(1, "sd", JobState.QUEUED, 0, 4));
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
        assertThat(job(job.id()).tasks())
                .extracting(Task::profile)
                .containsExactlyElementsOf(Presets.all().values());
        assertThat(job(job.id()).tasks().get(1).profile().get(Profile.CODEC_OPTIONS))
                .isNotEmpty();
    }

    @Test
    void aTaskUsingAPresetAsItIs_keepsAReferenceToTheOneStoredCopy() throws Exception {
        Profile narrower = H264.with(Profile.WIDTH, 640);
        Profile onAStack = H264.with(Profile.STACK, "ffmpeg-7");
        Job first = aJob().withOutput("hd", H264).withOutput("small", narrower).create();
        Job second = aJob().withOutput("hd", onAStack).create();

        assertThat(storedProfile(first.id(), 0)).startsWith("@mp4-h264:");
        // the stack a task runs on is in its row's stack column
        assertThat(storedProfile(second.id(), 0)).isEqualTo(storedProfile(first.id(), 0));
        assertThat(storedProfile(first.id(), 1)).startsWith("{").contains("\"width\":640");
        assertThat(count("SELECT COUNT(*) FROM shared_profiles")).isEqualTo(1);
        assertThat(job(first.id()).tasks()).extracting(Task::profile).containsExactly(H264, narrower);
        assertThat(job(second.id()).tasks()).extracting(Task::profile).containsExactly(onAStack);
        assertThat(queue.claim("w1", 3, LEASE))
                .extracting(c -> c.task().profile())
                .containsExactlyInAnyOrder(H264, narrower, onAStack);
    }

    @Test
    void aReferenceKeepsTheSettingsItWasSubmittedWith_andOneTheStoreLacksIsAnError() throws Exception {
        Job kept = aJob().create();
        Job lost = aJob().create();
        // a task queued before a release changed the preset names the version it was submitted with
        String older = "@mp4-h264:0123456789abcdef";
        execute("INSERT INTO shared_profiles (ref, profile, created_at) VALUES ('" + older + "', '"
                + JsonColumns.profile(H264.with(Profile.WIDTH, 1024)) + "', 0)");
        execute("UPDATE tasks SET profile = '" + older + "' WHERE job_id = '" + kept.id() + "'");
        execute("UPDATE tasks SET profile = '@mp4-h264:ffffffffffffffff' WHERE job_id = '" + lost.id() + "'");

        assertThat(job(kept.id()).tasks().get(0).profile()).isEqualTo(H264.with(Profile.WIDTH, 1024));
        assertThatThrownBy(() -> jobs.find(lost.id()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("@mp4-h264:ffffffffffffffff");
    }

    private String storedProfile(String jobId, int idx) throws Exception {
        try (java.sql.Connection c = ((JdbcStore) store).dataSource().getConnection();
                java.sql.ResultSet rs = c.createStatement()
                        .executeQuery("SELECT profile FROM tasks WHERE job_id = '" + jobId + "' AND idx = " + idx)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private long count(String query) throws Exception {
        try (java.sql.Connection c = ((JdbcStore) store).dataSource().getConnection();
                java.sql.ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void createJob_withKnownIdempotencyKey_returnsTheFirstJobAndStoresNothing() {
        Job first = aJob().withIdempotencyKey("key-1").create();

        CreateResult again =
                jobs.create(aJob().withIdempotencyKey("key-1").withOutputs(3).build());

        assertThat(again.created()).isFalse();
        assertThat(again.job()).isEqualTo(job(first.id()));
        assertThat(jobs.list(new JobFilter(null, null, null, null, 10)).items()).hasSize(1);
        assertThat(jobs.create(aJob().withIdempotencyKey("key-2").build()).created())
                .isTrue();
    }

    @Test
    void createJob_withAKeyHeldForAnotherRequest_isRefusedAndStoresNothing() {
        Job first = aJob().withIdempotencyKey("key-1").forRequest("hash-a").create();

        assertThatThrownBy(() -> jobs.create(
                        aJob().withIdempotencyKey("key-1").forRequest("hash-b").build()))
                .isInstanceOfSatisfying(IdempotencyKeyReusedException.class, e -> {
                    assertThat(e.holder()).isEqualTo(first.id());
                    assertThat(e.key()).isEqualTo("key-1");
                });

        CreateResult same = jobs.create(
                aJob().withIdempotencyKey("key-1").forRequest("hash-a").build());
        assertThat(same.created())
                .as("the same request still answers the first job")
                .isFalse();
        assertThat(same.job().id()).isEqualTo(first.id());
        assertThat(jobs.list(new JobFilter(null, null, null, null, 10)).items()).hasSize(1);
    }

    @Test
    void createJobs_refuseAKeyReusedForAnotherRequest_storedOrEarlierInTheBatch_andStoreNothing() {
        aJob().withIdempotencyKey("k#0").forRequest("hash-a").create();

        assertThatThrownBy(() -> jobs.createAll(List.of(
                        aJob().withIdempotencyKey("k#1").forRequest("hash-x").build(),
                        aJob().withIdempotencyKey("k#0").forRequest("hash-b").build())))
                .isInstanceOfSatisfying(
                        IdempotencyKeyReusedException.class,
                        e -> assertThat(e.jobIndex()).isEqualTo(1));
        assertThatThrownBy(() -> jobs.createAll(List.of(
                        aJob().withIdempotencyKey("k#2").forRequest("hash-c").build(),
                        aJob().withIdempotencyKey("k#2").forRequest("hash-d").build())))
                .isInstanceOfSatisfying(
                        IdempotencyKeyReusedException.class,
                        e -> assertThat(e.jobIndex()).isEqualTo(1));
        assertThat(jobs.list(new JobFilter(null, null, null, null, 10)).items())
                .as("all or nothing")
                .hasSize(1);
    }

    @Test
    void createJob_withAKeyWhoseRequestIsUnknown_answersTheFirstJob() {
        // jobs stored before requests were hashed, or by a caller that does not hash
        Job first = aJob().withIdempotencyKey("old").create();

        assertThat(jobs.create(aJob().withIdempotencyKey("old")
                                .forRequest("hash-a")
                                .build())
                        .job()
                        .id())
                .isEqualTo(first.id());
    }

    @Test
    void findJob_unknownId_isEmpty() {
        assertThat(jobs.find("job_nope")).isEmpty();
        assertThat(jobs.cancel("job_nope")).isEmpty();
        assertThat(jobs.retry("job_nope")).isEmpty();
    }

    @Test
    void events_areListedInTheOrderTheyWereWritten() {
        Job job = aJob().create();
        clock.tick(Duration.ofSeconds(1));
        jobs.addEvent(job.id(), null, new Timeline.Entry("custom.one", "first"));
        ClaimedTask c = claimOne("w1");
        jobs.addEvent(job.id(), c.taskId(), new Timeline.Entry("task.probed", "mov, 10s"));
        queue.complete(c.taskId(), c.leaseToken(), files(), 2);

        List<JobEvent> events = jobs.events(job.id());

        assertThat(events)
                .extracting(JobEvent::type)
                .containsExactly(
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
            Page<Job> page = jobs.list(new JobFilter(null, null, null, cursor, 3));
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

        assertThat(jobs.list(new JobFilter(null, null, null, null, 2)).nextCursor())
                .isNull();
    }

    @Test
    void listJobs_filtersByStateAndCreationRange() {
        Instant t0 = clock.instant();
        Job a = aJob().create();
        clock.tick(Duration.ofMinutes(1));
        Job b = aJob().create();
        clock.tick(Duration.ofMinutes(1));
        Job c = aJob().create();
        jobs.cancel(b.id());

        assertThat(ids(new JobFilter(Set.of(JobState.QUEUED), null, null, null, 10)))
                .containsExactly(c.id(), a.id());
        assertThat(ids(new JobFilter(Set.of(JobState.CANCELLED, JobState.RUNNING), null, null, null, 10)))
                .containsExactly(b.id());
        assertThat(ids(new JobFilter(null, t0.plus(Duration.ofMinutes(1)), null, null, 10)))
                .containsExactly(c.id(), b.id());
        assertThat(ids(new JobFilter(null, null, t0.plus(Duration.ofMinutes(1)), null, 10)))
                .containsExactly(a.id());
        assertThat(ids(new JobFilter(null, t0, t0.plus(Duration.ofMinutes(2)), null, 10)))
                .containsExactly(b.id(), a.id());
    }

    private List<String> ids(JobFilter f) {
        return jobs.list(f).items().stream().map(Job::id).toList();
    }

    @Test
    void listJobs_filtersByTheStateAJobShows_runningFromItsFirstTasksStartToItsEnd() {
        Job single = aJob().create();
        clock.tick(Duration.ofMinutes(1));
        Job two = aJob().withOutputs(2).create();
        clock.tick(Duration.ofMinutes(1));
        Job waiting = aJob().create();
        clock.tick(Duration.ofMinutes(1));
        Instant firstStart = clock.instant();
        ClaimedTask singleTask = claimOne("w1");
        clock.tick(Duration.ofMinutes(1));
        ClaimedTask twoFirst = claimOne("w1");
        queue.complete(twoFirst.taskId(), twoFirst.leaseToken(), files(), 1);

        assertThat(singleTask.jobId()).isEqualTo(single.id());
        assertThat(twoFirst.jobId()).isEqualTo(two.id());
        assertThat(ids(new JobFilter(Set.of(JobState.RUNNING), null, null, null, 10)))
                .as("one claimed; one with an output done and one still queued")
                .containsExactly(two.id(), single.id());
        assertThat(ids(new JobFilter(Set.of(JobState.QUEUED), null, null, null, 10)))
                .containsExactly(waiting.id());
        assertThat(job(single.id()).startedAt()).isEqualTo(firstStart);
        assertThat(job(waiting.id()).startedAt()).isNull();

        clock.tick(Duration.ofMinutes(1));
        queue.complete(singleTask.taskId(), singleTask.leaseToken(), files(), 1);

        Job done = job(single.id());
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.startedAt()).as("its first task's start").isEqualTo(firstStart);
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(ids(new JobFilter(Set.of(JobState.RUNNING), null, null, null, 10)))
                .containsExactly(two.id());
        assertThat(ids(new JobFilter(Set.of(JobState.SUCCEEDED), null, null, null, 10)))
                .containsExactly(single.id());
    }

    @Test
    void listJobs_includesEachJobsTasksInIndexOrder() {
        Job job = aJob().withOutputs(12).create();
        aJob().withOutputs(2).create();

        List<Job> listed = jobs.list(new JobFilter(null, null, null, null, 10)).items();

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
            assertThatThrownBy(() -> jobs.list(new JobFilter(null, null, null, bad, 10)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid cursor");
        }
    }

    @Test
    void recordInputInfo_keepsTheFirstProbe() {
        Job job = aJob().create();
        MediaInfo first = new MediaInfo(
                "mov,mp4,m4a,3gp,3g2,mj2",
                10.5,
                1_000_000L,
                123_456,
                List.of(
                        new StreamInfo(
                                0,
                                "video",
                                "h264",
                                1920,
                                1080,
                                29.97,
                                900_000L,
                                null,
                                null,
                                10.5,
                                "1:1",
                                90,
                                "progressive"),
                        new StreamInfo(1, "audio", "aac", null, null, null, null, 48000, 2, 10.4, null, 0, null)));
        MediaInfo second = new MediaInfo("matroska,webm", null, null, 1, List.of());

        jobs.recordInputInfo(job.id(), first);
        jobs.recordInputInfo(job.id(), second);

        assertThat(job(job.id()).inputInfo()).isEqualTo(first);
    }

    @Test
    void createJobs_storesAllInOneGoAndHonoursIdempotencyKeys() {
        Job earlier = aJob().withIdempotencyKey("k1").create();
        List<CreateResult> results = jobs.createAll(List.of(
                aJob().withOutputs(2).build(),
                aJob().withIdempotencyKey("k1").build(),
                aJob().withIdempotencyKey("k2").build(),
                aJob().withIdempotencyKey("k2").build()));

        assertThat(results).extracting(CreateResult::created).containsExactly(true, false, true, false);
        assertThat(results.get(0).job().tasks()).hasSize(2);
        assertThat(results.get(1).job().id()).isEqualTo(earlier.id());
        assertThat(results.get(3).job().id()).isEqualTo(results.get(2).job().id());
        assertThat(results)
                .allSatisfy(r -> assertThat(r.job()).isEqualTo(job(r.job().id())));
        assertThat(jobs.list(new JobFilter(Set.of(), null, null, null, 100)).items())
                .hasSize(3);
        assertThat(eventTypes(results.get(0).job().id())).containsExactly("job.created");
        assertThat(queue.claim("w", 10, LEASE)).hasSize(4);
    }

    @Test
    void createJobs_manyAtOnce_keepEveryCharacterOfTheirText() {
        // why: enough rows that PostgreSQL loads them with COPY, whose text format escapes these characters
        String awkward = "tab\there, new\nline, cr\r, back\\slash \\N, quote \" ' and \u00e9\u6f22";
        List<NewJob> many = new ArrayList<>();
        for (int i = 0; i < 2 * Sql.COPY_FROM; i++) {
            many.add(aJob().withMetadata(Map.of("note", awkward + " " + i, "n", i))
                    .build());
        }
        List<CreateResult> results = jobs.createAll(many);

        for (int i = 0; i < results.size(); i++) {
            Job stored = job(results.get(i).job().id());
            assertThat(stored.metadata())
                    .containsEntry("note", awkward + " " + i)
                    .containsEntry("n", i);
            assertThat(stored)
                    .as("as read back, the job as created")
                    .isEqualTo(results.get(i).job());
        }
    }

    @Test
    void createJob_refusesADestinationAndNameThatAnotherJobsOutputHolds() {
        String folder = "file:///srv/out/";
        Job first = aJob().withOutputInto("web", folder).create();

        assertThatThrownBy(() -> aJob().withOutputInto("web", folder).create())
                .isInstanceOfSatisfying(DestinationTakenException.class, e -> {
                    assertThat(e.holder()).isEqualTo(first.id());
                    assertThat(e.output()).isEqualTo("web");
                    assertThat(e.jobIndex()).isZero();
                });
        // another name, another folder, or the service's own storage: no clash
        aJob().withOutputInto("mobile", folder).create();
        aJob().withOutputInto("web", "file:///srv/other/").create();
        aJob().withOutput("web", H264).create();
        assertThat(jobs.list(new JobFilter(Set.of(), null, null, null, 100)).items())
                .hasSize(4);
    }

    @Test
    void createJobs_refuseTwoJobsOfOneBatchPublishingToOnePlace_andStoreNone() {
        assertThatThrownBy(() -> jobs.createAll(List.of(
                        aJob().build(),
                        aJob().withOutputInto("web", "file:///srv/out/").build(),
                        aJob().withOutputInto("web", "file:///srv/out/").build())))
                .isInstanceOfSatisfying(DestinationTakenException.class, e -> {
                    assertThat(e.jobIndex()).isEqualTo(2);
                    assertThat(e.holder()).isNull();
                });
        assertThat(jobs.list(new JobFilter(Set.of(), null, null, null, 100)).items())
                .isEmpty();
    }

    @Test
    void failedOrCancelledOutputsGiveTheirPlaceUp_andRetryingThemThenIsRefused() {
        String folder = "file:///srv/out/";
        Job first = aJob().withOutputInto("web", folder).create();
        jobs.cancel(first.id());

        Job second = aJob().withOutputInto("web", folder).create();

        assertThatThrownBy(() -> jobs.retry(first.id()))
                .isInstanceOfSatisfying(
                        DestinationTakenException.class,
                        e -> assertThat(e.holder()).isEqualTo(second.id()));
        assertThat(job(first.id()).state()).isEqualTo(JobState.CANCELLED);
        jobs.cancel(second.id());
        assertThat(jobs.retry(first.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }

    /** Runs {@code create} once per job, all released at once from their own threads; their answers, in order. */
    private static <T> List<T> race(List<NewJob> racing, java.util.function.Function<NewJob, T> create)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racing.size());
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<T>> outcomes = new ArrayList<>();
            for (NewJob job : racing) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    return create.apply(job);
                }));
            }
            go.countDown();
            List<T> answers = new ArrayList<>();
            for (java.util.concurrent.Future<T> f : outcomes) {
                answers.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createJob_concurrentJobsForOnePlace_exactlyOneIsStored() throws Exception {
        List<NewJob> racing = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racing.add(aJob().withOutputInto("web", "file:///srv/race/").build());
        }
        List<Boolean> stored = race(racing, job -> {
            try {
                jobs.create(job);
                return true;
            } catch (DestinationTakenException e) {
                return false;
            }
        });

        assertThat(stored).containsOnlyOnce(true);
        assertThat(jobs.list(new JobFilter(Set.of(), null, null, null, 100)).items())
                .hasSize(1);
    }

    @Test
    void createJob_concurrentRetriesOfOneRequest_withADestination_allAnswerTheOneJob() throws Exception {
        List<NewJob> racing = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racing.add(aJob().withIdempotencyKey("same-request")
                    .withOutputInto("web", "file:///srv/retried/")
                    .build());
        }
        List<CreateResult> answers = race(racing, jobs::create);

        assertThat(answers.stream().map(r -> r.job().id()).distinct()).hasSize(1);
        assertThat(answers).filteredOn(CreateResult::created).hasSize(1);
    }

    @Test
    void cancelJob_cancelsUnfinishedTasksAndMakesHeartbeatsFail() {
        Job job = aJob().withOutputs(3).notifying("https://example.com/hook").create();
        ClaimedTask done = claimOne("w1");
        queue.complete(done.taskId(), done.leaseToken(), files(), 1);
        ClaimedTask running = claimOne("w2");

        Job cancelled = jobs.cancel(job.id()).orElseThrow();

        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.finishedAt()).isEqualTo(clock.instant());
        assertThat(cancelled.tasks())
                .extracting(Task::state)
                .containsExactly(JobState.SUCCEEDED, JobState.CANCELLED, JobState.CANCELLED);
        assertThat(queue.heartbeat(running.taskId(), running.leaseToken(), LEASE, 50.0))
                .isFalse();
        assertThat(queue.complete(running.taskId(), running.leaseToken(), files(), 1))
                .isFalse();
        assertThat(eventTypes(job.id())).endsWith("job.cancelled");
        assertThat(outbox.due(10)).extracting(WebhookDelivery::event).containsExactly("job.cancelled");
        assertThat(queue.claim("w3", 5, LEASE)).isEmpty();
    }

    @Test
    void cancelJob_whenAlreadyTerminal_throwsNamingTheJob() {
        Job job = aJob().create();
        jobs.cancel(job.id());

        assertThatThrownBy(() -> jobs.cancel(job.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(job.id());
    }

    @Test
    void retryJob_requeuesOnlyFailedAndCancelledTasksWithAFreshAllowance() {
        Job job = aJob().withOutputs(2).withMaxAttempts(2).create();
        ClaimedTask ok = claimOne("w1");
        ClaimedTask bad = claimOne("w1");
        queue.complete(ok.taskId(), ok.leaseToken(), files(), 1);
        queue.fail(bad.taskId(), bad.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null));
        ClaimedTask bad2 = claimOne("w1");
        queue.fail(bad2.taskId(), bad2.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null));
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        clock.tick(Duration.ofMinutes(1));

        Job retried = jobs.retry(job.id()).orElseThrow();

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
        queue.complete(third.taskId(), third.leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void retryJob_requeuesCancelledTasks() {
        Job job = aJob().withOutputs(2).create();
        jobs.cancel(job.id());

        Job retried = jobs.retry(job.id()).orElseThrow();

        assertThat(retried.tasks()).extracting(Task::state).containsOnly(JobState.QUEUED);
        assertThat(retried.tasks()).extracting(Task::maxAttempts).containsOnly(3);
        assertThat(queue.claim("w1", 5, LEASE)).hasSize(2);
    }

    @Test
    void retryJob_refusesJobsThatAreNotFailedOrCancelled() {
        Job queued = aJob().create();
        assertThatThrownBy(() -> jobs.retry(queued.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(queued.id());
        ClaimedTask c = claimOne("w1");
        assertThatThrownBy(() -> jobs.retry(queued.id())).isInstanceOf(IllegalStateException.class);
        queue.complete(c.taskId(), c.leaseToken(), files(), 1);
        assertThatThrownBy(() -> jobs.retry(queued.id())).isInstanceOf(IllegalStateException.class);
        assertThat(job(queued.id()).state()).isEqualTo(JobState.SUCCEEDED);
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
