package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.profile.Priority;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.core.webhook.WebhookDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every engine's {@link TaskQueue} must do: the queue: claim order, leases and fencing tokens, completion, failure and retries, the reaper, ladders in parts. */
public abstract class TaskQueueContract extends StoreFixture {
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
        Job lowJobHighProfile = aJob().withPriority(Priority.LOW)
                .withOutput("o", withPriority(H264, Priority.HIGH))
                .create();
        clock.tick(Duration.ofSeconds(1));
        Job highJobLowProfile = aJob().withPriority(Priority.HIGH)
                .withOutput("o", withPriority(H264, Priority.LOW))
                .create();
        clock.tick(Duration.ofSeconds(1));
        Job normalHighProfile =
                aJob().withOutput("o", withPriority(H264, Priority.HIGH)).create();
        Job normalNew = aJob().create(); // same millisecond as the one before: age is still creation order

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            order.add(claimOne("w1").jobId());
        }

        assertThat(order)
                .containsExactly(
                        highJobLowProfile.id(),
                        normalHighProfile.id(),
                        normalOld.id(),
                        normalNew.id(),
                        lowJobHighProfile.id());
        assertThat(queue.claim("w1", 1, LEASE)).isEmpty();
    }

    @Test
    void claim_takesOnlyTheWorkersCloudsHigherCloudPriorityFirst() {
        fleet.putCloud("gpu", 10);
        fleet.putCloud("batch", -5);
        Job inDefault = aJob().withPriority(Priority.HIGH).create();
        Job inBatch = aJob().withPriority(Priority.HIGH).inCloud("batch").create();
        Job inGpu = aJob().withPriority(Priority.LOW).inCloud("gpu").create();
        Job inGpuNormal = aJob().inCloud("gpu").create();

        assertThat(queue.claim("w-batch", List.of("batch"), 5, LEASE))
                .extracting(ClaimedTask::jobId)
                .containsExactly(inBatch.id());
        List<String> order = new ArrayList<>();
        for (ClaimedTask c : queue.claim("w-all", List.of("default", "gpu", "nowhere"), 5, LEASE)) {
            order.add(c.jobId());
        }
        // cloud priority beats job priority; within a cloud, task priority then age
        assertThat(order).containsExactly(inGpuNormal.id(), inGpu.id(), inDefault.id());
        assertThat(job(inGpu.id()).cloud()).isEqualTo("gpu");
        assertThat(job(inDefault.id()).cloud()).isEqualTo(Cloud.DEFAULT);
    }

    @Test
    void claim_fromCloudsOfEqualPriority_takesTaskPriorityThenAgeAcrossThem() {
        fleet.putCloud("a", 0);
        Job older = aJob().inCloud("a").create();
        Job newerHigh = aJob().withPriority(Priority.HIGH).create();
        Job newest = aJob().inCloud("a").create();

        assertThat(queue.claim("w", List.of("a", "default"), 3, LEASE))
                .extracting(ClaimedTask::jobId)
                .containsExactly(newerHigh.id(), older.id(), newest.id());
    }

    @Test
    void completeAll_recordsEachHeldTaskAndSkipsStaleTokens() {
        Job a = aJob().notifying("http://hooks.example/a").create();
        Job b = aJob().withOutputs(2).create();
        Job quiet = aJob().create();
        List<ClaimedTask> claimed = queue.claim("w", 4, LEASE);
        assertThat(claimed).hasSize(4);

        List<Boolean> held = queue.completeAll(List.of(
                new Completion(claimed.get(0).taskId(), claimed.get(0).leaseToken(), files(), 1),
                new Completion(claimed.get(1).taskId(), "stale-token", List.of(), 1),
                new Completion(claimed.get(2).taskId(), claimed.get(2).leaseToken(), List.of(), 1),
                new Completion(claimed.get(3).taskId(), claimed.get(3).leaseToken(), List.of(), 1)));

        assertThat(held).containsExactly(true, false, true, true);
        assertThat(job(a.id()).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(a.id()).tasks().get(0).files()).isEqualTo(files());
        assertThat(job(b.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(quiet.id()).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(outbox.due(10))
                .as("only the job with a notify URL")
                .extracting(WebhookDelivery::jobId)
                .containsExactly(a.id());
        assertThat(eventTypes(a.id()))
                .containsExactly("job.created", "task.started", "task.succeeded", "job.succeeded");
    }

    @Test
    void completeAll_finishesAJobOfOneTask_alsoOneQueuedBeforeTasksKnewTheirJobsSize() throws Exception {
        Job counted = aJob().notifying("http://hooks.example/counted").create();
        Job older = aJob().notifying("http://hooks.example/older").create();
        Job cancelled = aJob().create();
        // a task written before V23 does not know how many tasks its job has, and its job's are counted
        execute("UPDATE tasks SET job_tasks = NULL WHERE job_id = '" + older.id() + "'");
        List<ClaimedTask> claimed = queue.claim("w", 3, LEASE);
        assertThat(claimed).hasSize(3);
        jobs.cancel(cancelled.id());

        List<Boolean> held = queue.completeAll(claimed.stream()
                .map(c -> new Completion(c.taskId(), c.leaseToken(), files(), 1))
                .toList());

        assertThat(held).containsExactly(true, true, false);
        for (Job j : List.of(counted, older)) {
            assertThat(job(j.id()).state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job(j.id()).finishedAt()).isEqualTo(clock.instant());
            assertThat(eventTypes(j.id()))
                    .containsExactly("job.created", "task.started", "task.succeeded", "job.succeeded");
        }
        assertThat(job(cancelled.id()).state()).isEqualTo(JobState.CANCELLED);
        assertThat(outbox.due(10))
                .extracting(WebhookDelivery::jobId)
                .containsExactlyInAnyOrder(counted.id(), older.id());
    }

    @Test
    void ladderInParts_packagingWaitsForEveryRendition() {
        Job job = aJob().withLadderInParts("hls", 2).create();
        assertThat(job(job.id())).isEqualTo(job);
        assertThat(job.tasks()).extracting(Task::part).containsExactly(null, 0, 1);
        assertThat(job.tasks()).extracting(Task::parts).containsExactly(2, 0, 0);
        assertThat(job.tasks()).extracting(Task::name).containsOnly("hls");

        List<ClaimedTask> renditions = queue.claim("w", 5, LEASE);
        assertThat(renditions).extracting(c -> c.task().part()).containsExactly(0, 1);
        queue.complete(renditions.get(0).taskId(), renditions.get(0).leaseToken(), files(), 1);
        assertThat(queue.claim("w", 5, LEASE)).as("one rendition still running").isEmpty();
        queue.complete(renditions.get(1).taskId(), renditions.get(1).leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.RUNNING);

        ClaimedTask packaging = claimOne("w");
        assertThat(packaging.task().part()).isNull();
        queue.complete(packaging.taskId(), packaging.leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void ladderInParts_aFailedRenditionFailsThePackagingAndRetryWaitsAgain() {
        Job job = aJob().withLadderInParts("hls", 2).create();
        List<ClaimedTask> renditions = queue.claim("w", 5, LEASE);
        queue.complete(renditions.get(1).taskId(), renditions.get(1).leaseToken(), files(), 1);
        queue.fail(
                renditions.get(0).taskId(),
                renditions.get(0).leaseToken(),
                new TaskFailure(ErrorCode.ENCODE_FAILED, "boom", null, 0, Duration.ZERO));

        Job failed = job(job.id());
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.tasks().get(0).errorCode()).isEqualTo("part_failed");
        assertThat(failed.tasks().get(0).errorMessage()).startsWith("rendition 1 failed: encode_failed");

        jobs.retry(job.id());
        ClaimedTask again = claimOne("w");
        assertThat(again.task().part())
                .as("only the failed rendition runs again")
                .isEqualTo(0);
        assertThat(queue.claim("w", 5, LEASE)).as("packaging waits for it").isEmpty();
        queue.complete(again.taskId(), again.leaseToken(), files(), 1);
        ClaimedTask packaging = claimOne("w");
        queue.complete(packaging.taskId(), packaging.leaseToken(), files(), 1);
        assertThat(job(job.id()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void claim_takesAtMostMaxTasks() {
        aJob().withOutputs(5).create();

        assertThat(queue.claim("w1", 3, LEASE))
                .hasSize(3)
                .extracting(c -> c.task().index())
                .containsExactly(0, 1, 2);
        assertThat(queue.claim("w1", 3, LEASE)).hasSize(2);
        assertThat(queue.claim("w1", 0, LEASE)).isEmpty();
    }

    @Test
    void claim_skipsTaskLeasedByAnotherWorker() {
        aJob().create();
        claimOne("w1");

        assertThat(queue.claim("w2", 5, LEASE)).isEmpty();
    }

    @Test
    void claim_skipsTaskWhoseRetryIsNotDueYet() {
        Job job = aJob().create();
        ClaimedTask c = claimOne("w1");
        queue.fail(c.taskId(), c.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, Duration.ofMinutes(2)));

        assertThat(queue.claim("w1", 1, LEASE)).isEmpty();
        assertThat(queue.nextRunnableAt()).contains(clock.instant().plus(Duration.ofMinutes(2)));

        clock.tick(Duration.ofMinutes(2));
        ClaimedTask again = claimOne("w2");
        assertThat(again.jobId()).isEqualTo(job.id());
        assertThat(again.task().attempt()).isEqualTo(2);
        assertThat(again.leaseToken()).isNotEqualTo(c.leaseToken());
    }

    @Test
    void nextRunnableAt_isEmptyWhenNothingIsQueued() {
        assertThat(queue.nextRunnableAt()).isEmpty();
        aJob().create();
        assertThat(queue.nextRunnableAt()).contains(clock.instant());
        claimOne("w1");
        assertThat(queue.nextRunnableAt()).isEmpty();
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
                        List<ClaimedTask> got = queue.claim(worker, batch, LEASE);
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

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void complete_fromManyThreadsAtOnce_finishesEveryJobOnce() throws Exception {
        // a job's last tasks ending in concurrent transactions, each of which must see whether it ended the job
        int jobCount = 30;
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < jobCount; i++) {
            jobIds.add(aJob().withOutputs(4)
                    .notifying("https://example.com/hook")
                    .create()
                    .id());
        }
        List<ClaimedTask> claimed = new ArrayList<>();
        for (List<ClaimedTask> got = queue.claim("w", 50, LEASE); !got.isEmpty(); got = queue.claim("w", 50, LEASE)) {
            claimed.addAll(got);
        }
        assertThat(claimed).hasSize(jobCount * 4);
        Collections.shuffle(claimed, new Random(19));
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                int batch = 1 + t % 3;
                results.add(pool.submit(() -> {
                    start.await();
                    int held = 0;
                    List<Completion> mine = new ArrayList<>();
                    for (int i = first; i < claimed.size(); i += threads) {
                        ClaimedTask c = claimed.get(i);
                        mine.add(new Completion(c.taskId(), c.leaseToken(), List.of(), 1));
                        if (mine.size() == batch) {
                            held += (int) queue.completeAll(mine).stream()
                                    .filter(b -> b)
                                    .count();
                            mine.clear();
                        }
                    }
                    held += (int)
                            queue.completeAll(mine).stream().filter(b -> b).count();
                    return held;
                }));
            }
            start.countDown();
            int held = 0;
            for (Future<Integer> f : results) {
                held += f.get(100, TimeUnit.SECONDS);
            }
            assertThat(held).isEqualTo(jobCount * 4);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jobIds).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(outbox.due(1000)).extracting(WebhookDelivery::jobId).containsExactlyInAnyOrderElementsOf(jobIds);
    }

    @Test
    void heartbeat_extendsTheLeaseAndRecordsProgress() {
        Job job = aJob().create();
        ClaimedTask c = claimOne("w1");

        clock.tick(Duration.ofSeconds(20));
        assertThat(queue.heartbeat(c.taskId(), c.leaseToken(), LEASE, 42.5)).isTrue();
        clock.tick(Duration.ofSeconds(20));
        assertThat(queue.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isTrue();
        clock.tick(Duration.ofSeconds(20));

        assertThat(queue.reapExpiredLeases(Duration.ZERO)).isZero();
        assertThat(task(job.id(), 0).state()).isEqualTo(JobState.RUNNING);
        assertThat(task(job.id(), 0).progress()).isEqualTo(42.5);
    }

    @Test
    void writesWithAStaleToken_changeNothing() {
        Job job = aJob().create();
        ClaimedTask c = claimOne("w1");
        Task before = task(job.id(), 0);
        List<String> eventsBefore = eventTypes(job.id());

        assertThat(queue.heartbeat(c.taskId(), "stale", LEASE, 50.0)).isFalse();
        assertThat(queue.complete(c.taskId(), "stale", files(), 1)).isFalse();
        assertThat(queue.fail(c.taskId(), "stale", failure(ErrorCode.ENCODE_FAILED, null)))
                .isFalse();
        assertThat(queue.release(c.taskId(), "stale")).isFalse();
        assertThat(queue.heartbeat("tsk_unknown", c.leaseToken(), LEASE, 50.0)).isFalse();

        assertThat(task(job.id(), 0)).isEqualTo(before);
        assertThat(eventTypes(job.id())).isEqualTo(eventsBefore);
    }

    @Test
    void workerPausedPastItsLease_cannotOverwriteTheNewerAttemptsResult() {
        Job job = aJob().create();
        ClaimedTask paused = claimOne("w1");
        clock.tick(LEASE.plusSeconds(1));
        assertThat(queue.reapExpiredLeases(Duration.ZERO)).isEqualTo(1);
        ClaimedTask newer = claimOne("w2");
        assertThat(queue.complete(newer.taskId(), newer.leaseToken(), files(), 3))
                .isTrue();

        // w1 wakes up and reports as if nothing happened
        assertThat(queue.heartbeat(paused.taskId(), paused.leaseToken(), LEASE, 99.0))
                .isFalse();
        assertThat(queue.fail(paused.taskId(), paused.leaseToken(), failure(ErrorCode.ENCODE_FAILED, null)))
                .isFalse();
        assertThat(queue.complete(paused.taskId(), paused.leaseToken(), List.of(), 1))
                .isFalse();
        assertThat(queue.release(paused.taskId(), paused.leaseToken())).isFalse();

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
        queue.reapExpiredLeases(Duration.ZERO);
        ClaimedTask newer = claimOne("w2");

        assertThat(queue.complete(paused.taskId(), paused.leaseToken(), files(), 1))
                .isFalse();
        assertThat(queue.heartbeat(newer.taskId(), newer.leaseToken(), LEASE, 10.0))
                .isTrue();
    }

    @Test
    void release_givesTheTaskBackWithoutCountingTheAttempt() {
        Job job = aJob().withMaxAttempts(1).create();
        ClaimedTask c = claimOne("w1");

        assertThat(queue.release(c.taskId(), c.leaseToken())).isTrue();

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.QUEUED);
        assertThat(t.attempt()).isZero();
        assertThat(eventTypes(job.id())).endsWith("task.released");
        assertThat(queue.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isFalse();
        ClaimedTask again = claimOne("w2");
        assertThat(again.task().attempt()).isEqualTo(1);
    }

    @Test
    void timeline_namesEachStartsWorker_thoughOnlyLaterStartsAreStoredWhenClaimed() {
        // why: a first start is told by the task's row, whose worker is cleared when the task goes back to the queue
        Job job = aJob().withMaxAttempts(2).create();
        ClaimedTask given = claimOne("w1");
        queue.release(given.taskId(), given.leaseToken());
        ClaimedTask failing = claimOne("w2");
        queue.fail(failing.taskId(), failing.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null));
        ClaimedTask last = claimOne("w3");
        queue.fail(last.taskId(), last.leaseToken(), failure(ErrorCode.NOT_MEDIA, null));
        jobs.retry(job.id());
        ClaimedTask retried = claimOne("w4");
        queue.complete(retried.taskId(), retried.leaseToken(), files(), 1);

        assertThat(jobs.events(job.id()))
                .extracting(e -> e.type() + (e.type().equals("task.started") ? " " + e.message() : ""))
                .containsExactly(
                        "job.created",
                        "task.started attempt 1 of 2 on worker w1",
                        "task.released",
                        "task.started attempt 1 of 2 on worker w2",
                        "task.retrying",
                        "task.started attempt 2 of 2 on worker w3",
                        "task.failed",
                        "job.failed",
                        "job.retried",
                        "task.started attempt 3 of 4 on worker w4",
                        "task.succeeded",
                        "job.succeeded");
    }

    @Test
    void complete_recordsFilesAndCpuAndSucceedsTheJobWithItsLastTask() {
        Job job = aJob().withOutputs(2).create();
        ClaimedTask first = claimOne("w1");
        ClaimedTask second = claimOne("w2");
        clock.tick(Duration.ofSeconds(10));

        assertThat(queue.complete(first.taskId(), first.leaseToken(), files(), 4.25))
                .isTrue();
        assertThat(job(job.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(queue.complete(second.taskId(), second.leaseToken(), List.of(), 1))
                .isTrue();

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
        assertThat(eventTypes(job.id()))
                .containsExactly(
                        "job.created",
                        "task.started",
                        "task.started",
                        "task.succeeded",
                        "task.succeeded",
                        "job.succeeded");
        assertThat(outbox.due(10)).as("no notify_url, no webhook").isEmpty();
    }

    @Test
    void fail_withRetryableCode_requeuesUntilMaxAttemptsThenFails() {
        Job job = aJob().withMaxAttempts(3).create();

        for (int attempt = 1; attempt <= 3; attempt++) {
            ClaimedTask c = claimOne("w1");
            assertThat(c.task().attempt()).isEqualTo(attempt);
            assertThat(queue.fail(c.taskId(), c.leaseToken(), failure(ErrorCode.OUTPUT_FAILED, null)))
                    .isTrue();
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
        assertThat(eventTypes(job.id()))
                .containsExactly(
                        "job.created",
                        "task.started",
                        "task.retrying",
                        "task.started",
                        "task.retrying",
                        "task.started",
                        "task.failed",
                        "job.failed");
        assertThat(queue.claim("w1", 1, LEASE)).isEmpty();
    }

    @Test
    void fail_withNonRetryableCode_failsAtOnce() {
        Job job = aJob().withMaxAttempts(5).create();
        ClaimedTask c = claimOne("w1");

        assertThat(queue.fail(c.taskId(), c.leaseToken(), failure(ErrorCode.NOT_MEDIA, Duration.ofSeconds(1))))
                .isTrue();

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.FAILED);
        assertThat(t.errorCode()).isEqualTo("not_media");
        assertThat(t.attempt()).isEqualTo(1);
        assertThat(t.finishedAt()).isEqualTo(clock.instant());
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(queue.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isFalse();
    }

    @Test
    void job_failsWhenAnyTaskFailedEvenIfOthersSucceeded() {
        Job job = aJob().withOutputs(2).notifying("https://example.com/hook").create();
        ClaimedTask a = claimOne("w1");
        ClaimedTask b = claimOne("w1");
        queue.fail(a.taskId(), a.leaseToken(), failure(ErrorCode.ENCODE_FAILED, null));
        assertThat(job(job.id()).state()).as("one task still running").isEqualTo(JobState.RUNNING);
        assertThat(outbox.due(10)).isEmpty();

        queue.complete(b.taskId(), b.leaseToken(), files(), 1);

        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(eventTypes(job.id())).endsWith("task.succeeded", "job.failed");
        assertThat(outbox.due(10)).singleElement().satisfies(w -> {
            assertThat(w.jobId()).isEqualTo(job.id());
            assertThat(w.url()).isEqualTo("https://example.com/hook");
            assertThat(w.event()).isEqualTo("job.failed");
            assertThat(w.attempts()).isZero();
        });
    }

    @Test
    void reaper_requeuesExpiredLeaseAfterBackoffTimesAttempt() {
        Job job = aJob().withMaxAttempts(3).create();
        claimOne("w1");
        clock.tick(LEASE);
        assertThat(queue.reapExpiredLeases(Duration.ofSeconds(10)))
                .as("not yet expired")
                .isZero();
        clock.tick(Duration.ofMillis(1));

        assertThat(queue.reapExpiredLeases(Duration.ofSeconds(10))).isEqualTo(1);

        assertThat(task(job.id(), 0).state()).isEqualTo(JobState.QUEUED);
        assertThat(eventTypes(job.id())).endsWith("task.lease_expired");
        assertThat(queue.nextRunnableAt()).contains(clock.instant().plusSeconds(10));
        assertThat(queue.claim("w2", 1, LEASE)).isEmpty();
        clock.tick(Duration.ofSeconds(10));
        assertThat(claimOne("w2").task().attempt()).isEqualTo(2);

        clock.tick(LEASE.plusSeconds(1));
        queue.reapExpiredLeases(Duration.ofSeconds(10));
        assertThat(queue.nextRunnableAt())
                .as("backoff grows with the attempt")
                .contains(clock.instant().plusSeconds(20));
    }

    @Test
    void reaper_failsTaskWithLeaseExpiredWhenNoAttemptsAreLeft() {
        Job job =
                aJob().withMaxAttempts(1).notifying("https://example.com/hook").create();
        ClaimedTask c = claimOne("w1");
        clock.tick(LEASE.plusSeconds(1));

        assertThat(queue.reapExpiredLeases(Duration.ofSeconds(10))).isEqualTo(1);

        Task t = task(job.id(), 0);
        assertThat(t.state()).isEqualTo(JobState.FAILED);
        assertThat(t.errorCode()).isEqualTo("lease_expired");
        assertThat(job(job.id()).state()).isEqualTo(JobState.FAILED);
        assertThat(outbox.due(10)).extracting(WebhookDelivery::event).containsExactly("job.failed");
        assertThat(queue.heartbeat(c.taskId(), c.leaseToken(), LEASE, null)).isFalse();
        assertThat(queue.reapExpiredLeases(Duration.ZERO)).isZero();
    }

    // ---------------------------------------------------------------- stacks

    private static final String OLD = "ffmpeg-5.1";
    private static final String NEW = "ffmpeg-6.1";

    private static io.nommer.core.profile.Profile pinnedTo(String stack) {
        return H264.with(io.nommer.core.profile.Profile.STACK, stack);
    }

    private List<ClaimedTask> claimWith(String worker, List<String> stacks, int max) {
        return queue.claim(worker, List.of(Cloud.DEFAULT), stacks, max, LEASE, TenantLimits.NONE);
    }

    @Test
    void claim_neverTakesATaskPinnedToAStackTheWorkerLacks() {
        Job onNew = aJob().withOutput("o", pinnedTo(NEW)).create();
        clock.tick(Duration.ofSeconds(1));
        Job onOld = aJob().withOutput("o", pinnedTo(OLD)).create();
        clock.tick(Duration.ofSeconds(1));
        Job unpinned = aJob().create();

        List<ClaimedTask> old = claimWith("w-old", List.of(OLD), 10);

        assertThat(old).extracting(ClaimedTask::jobId).containsExactly(onOld.id(), unpinned.id());
        assertThat(claimWith("w-old", List.of(OLD), 10)).isEmpty();
        assertThat(task(onNew.id(), 0).state()).isEqualTo(JobState.QUEUED);
        assertThat(claimWith("w-none", List.of(), 10)).isEmpty();
        List<ClaimedTask> fresh = claimWith("w-new", List.of("ffmpeg-7.0", NEW), 10);
        assertThat(fresh).extracting(ClaimedTask::jobId).containsExactly(onNew.id());
        assertThat(fresh.get(0).task().stack()).isEqualTo(NEW);
    }

    @Test
    void claim_workerWithoutStacksTakesOnlyUnpinnedTasks_andAnyStackTakesAll() {
        Job pinned = aJob().withOutput("o", pinnedTo(NEW)).create();
        Job unpinned = aJob().create();

        assertThat(claimWith("w-none", List.of(), 10))
                .extracting(ClaimedTask::jobId)
                .containsExactly(unpinned.id());
        assertThat(claimWith("w-any", null, 10)).extracting(ClaimedTask::jobId).containsExactly(pinned.id());
    }

    @Test
    void claim_tasksOfAStackNoClaimerHasDoNotHoldBackTheOthersOfEveryTenantAndBand() {
        // a higher band and each tenant's head hold tasks of the stack this worker lacks
        aJob().withPriority(Priority.HIGH)
                .withOutput("o", pinnedTo(NEW))
                .forTenant("a")
                .create();
        for (int i = 0; i < 3; i++) {
            aJob().withOutput("o", pinnedTo(NEW)).forTenant("a").create();
            aJob().withOutput("o", pinnedTo(NEW)).forTenant("b").create();
        }
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            mine.add(aJob().withOutput("o", pinnedTo(OLD))
                    .forTenant("a")
                    .create()
                    .id());
            mine.add(aJob().withOutput("o", pinnedTo(OLD))
                    .forTenant("b")
                    .create()
                    .id());
        }

        List<ClaimedTask> batch = claimWith("w-old", List.of(OLD), 200);

        assertThat(batch).extracting(ClaimedTask::jobId).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(batch).extracting(c -> c.task().stack()).containsOnly(OLD);
        List<ClaimedTask> one = new ArrayList<>();
        aJob().withOutput("o", pinnedTo(OLD)).forTenant("a").create();
        aJob().withOutput("o", pinnedTo(OLD)).forTenant("b").create();
        one.addAll(claimWith("w-old", List.of(OLD), 1));
        one.addAll(claimWith("w-old", List.of(OLD), 1));
        // one at a time, the tenants still take turns
        assertThat(one).extracting(ClaimedTask::tenant).containsExactlyInAnyOrder("a", "b");
        assertThat(claimWith("w-new", List.of(NEW), 200)).hasSize(7);
    }

    @Test
    void recordStack_storesEachToolsVersionAndTellsTheTimeline_whileTheLeaseHolds() {
        Job job = aJob().withOutput("o", pinnedTo(OLD)).create();
        ClaimedTask c = claimWith("w-old", List.of(OLD), 1).get(0);
        io.nommer.core.stack.Stack stack = new io.nommer.core.stack.Stack(
                OLD,
                List.of(
                        new io.nommer.core.stack.Stack.Tool("ffmpeg", "/usr/bin/ffmpeg", "5.1.9-0+deb12u1"),
                        new io.nommer.core.stack.Stack.Tool("ffprobe", "/usr/bin/ffprobe", "5.1.9-0+deb12u1"),
                        new io.nommer.core.stack.Stack.Tool("segmenter", null, "nommer-0.1.0")),
                List.of("libx264"),
                List.of("mp4"),
                List.of("scale"));

        assertThat(queue.recordStack(c.taskId(), "not-the-token", stack)).isFalse();
        assertThat(task(job.id(), 0).tools()).isEmpty();
        assertThat(queue.recordStack(c.taskId(), c.leaseToken(), stack)).isTrue();

        assertThat(task(job.id(), 0).tools())
                .containsExactly(
                        java.util.Map.entry("ffmpeg", "5.1.9-0+deb12u1"),
                        java.util.Map.entry("ffprobe", "5.1.9-0+deb12u1"),
                        java.util.Map.entry("segmenter", "nommer-0.1.0"));
        assertThat(jobs.events(job.id()).getLast().message())
                .isEqualTo("runs on stack ffmpeg-5.1: ffmpeg 5.1.9-0+deb12u1, ffprobe 5.1.9-0+deb12u1, "
                        + "segmenter nommer-0.1.0");
        assertThat(eventTypes(job.id())).containsExactly("job.created", "task.started", "task.stack");
    }
}
