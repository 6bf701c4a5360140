package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.job.Job;
import io.nommer.core.job.JobState;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Timeline;
import io.nommer.core.profile.Profile;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.retention.Retention;
import io.nommer.core.retention.RetentionPolicy;
import io.nommer.core.retention.RetentionStore;
import io.nommer.core.storage.Upload;
import io.nommer.core.webhook.WebhookDelivery;
import io.nommer.storage.Storages;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.local.LocalStorageConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every engine's {@link RetentionStore} must do, driven as {@link Retention} drives it: finished jobs go some
 * time after they finished, with everything of theirs in the store (and their output files only when asked), in
 * batches; unfinished jobs and jobs whose webhook is still being delivered stay; uploads go unless a queued or running
 * job uses them. Files are real: published into and uploaded to the service's own local storage.
 */
public abstract class RetentionContract extends StoreFixture {
    private static final Duration KEEP = Duration.ofDays(30);
    private static final RetentionPolicy RECORDS_ONLY = new RetentionPolicy(KEEP, Duration.ofDays(7), false);
    private static final RetentionPolicy WITH_OUTPUTS = new RetentionPolicy(KEEP, Duration.ofDays(7), true);

    @TempDir
    Path data;

    private Storages storage;
    private RetentionStore retention;

    @BeforeEach
    void openStorage() {
        storage = Storages.create(LocalStorageConfig.of(data), HttpFetchConfig.defaults());
        retention = store.retention();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    private Retention.Deleted pass(RetentionPolicy policy, int batch) {
        return new Retention(retention, storage, storage, policy, batch).run();
    }

    /** Claims the job's task and completes it with a file really published where the job's outputs go. */
    private Job finished(Job job) {
        ClaimedTask c = claimOne("w1");
        assertThat(c.jobId()).isEqualTo(job.id());
        URI uri;
        try {
            Path made = Files.writeString(data.resolve(job.id() + ".mp4"), "encoded " + job.id());
            uri = storage.publish(made, storage.defaultFolder(job.id(), "main"), "main.mp4");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        queue.complete(
                c.taskId(),
                c.leaseToken(),
                List.of(new OutputFile("main.mp4", uri.toString(), 10, "video", 1.0, 320, 240)),
                1);
        return job(job.id());
    }

    private static Path file(Job job) {
        return Path.of(URI.create(job.tasks().get(0).files().get(0).uri()));
    }

    private boolean exists(Job job) {
        return jobs.find(job.id()).isPresent();
    }

    @Test
    void finishedJobs_pastTheirRetention_goWithTheirTasksTimelinesAndWebhooks() {
        Job succeeded = finished(aJob().notifying("https://example.com/hook").create());
        WebhookDelivery hook = outbox.due(10).get(0);
        outbox.markDelivered(hook.id(), 200, null);
        Job cancelled = aJob().create();
        jobs.cancel(cancelled.id());
        clock.tick(KEEP.plusMinutes(1));

        Retention.Deleted deleted = pass(RECORDS_ONLY, Retention.BATCH);

        assertThat(deleted.jobs()).isEqualTo(2);
        for (Job j : List.of(succeeded, cancelled)) {
            assertThat(exists(j)).isFalse();
            assertThat(jobs.events(j.id())).as("its timeline").isEmpty();
        }
        assertThat(retention.deleteJobs(List.of(succeeded.id()), null))
                .as("its tasks and webhook rows went with it: nothing is left to delete")
                .isEmpty();
        assertThat(Files.exists(file(succeeded)))
                .as("output files stay unless delete_outputs_with_job")
                .isTrue();
    }

    @Test
    void jobsThatFinishedWithinTheirRetention_stay() {
        Job old = finished(aJob().create());
        clock.tick(KEEP.minusDays(1));
        Job recent = finished(aJob().create());
        clock.tick(Duration.ofDays(2));

        assertThat(pass(RECORDS_ONLY, Retention.BATCH).jobs()).isEqualTo(1);

        assertThat(exists(old)).isFalse();
        assertThat(exists(recent)).isTrue();
    }

    @Test
    void aRetriedJob_goesARetentionAfterItEndedLast() {
        Job job = aJob().create();
        jobs.cancel(job.id());
        clock.tick(KEEP.minusDays(1));
        jobs.retry(job.id());
        jobs.cancel(job.id());
        clock.tick(Duration.ofDays(2));

        assertThat(pass(RECORDS_ONLY, Retention.BATCH).jobs())
                .as("its first end is past the retention, its last is not")
                .isZero();
        clock.tick(KEEP);
        assertThat(pass(RECORDS_ONLY, Retention.BATCH).jobs()).isEqualTo(1);
        assertThat(exists(job)).isFalse();
    }

    @Test
    void unfinishedJobs_areNeverDeleted_howeverOld() {
        Job queued = aJob().create();
        Job running = aJob().create();
        ClaimedTask c = claimOne("w1");
        assertThat(c.jobId()).isEqualTo(queued.id());
        clock.tick(Duration.ofDays(3650));

        assertThat(pass(WITH_OUTPUTS, Retention.BATCH).jobs()).isZero();
        assertThat(retention.deleteJobs(List.of(queued.id(), running.id()), null))
                .as("not by the API's delete either")
                .isEmpty();

        assertThat(job(queued.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(job(running.id()).state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.events(queued.id())).isNotEmpty();
    }

    @Test
    void aJobWithAWebhookStillBeingDelivered_staysUntilTheDeliveryEndedARetentionAgo() {
        Job job = finished(aJob().notifying("https://example.com/hook").create());
        clock.tick(KEEP.plusDays(1));

        assertThat(pass(RECORDS_ONLY, Retention.BATCH).jobs())
                .as("webhook pending")
                .isZero();
        WebhookDelivery hook = outbox.due(10).get(0);
        outbox.markFailed(hook.id(), "HTTP 500", Duration.ZERO, 1, null);
        clock.tick(KEEP.minusDays(1));
        assertThat(pass(RECORDS_ONLY, Retention.BATCH).jobs())
                .as("given up, but less than a retention ago: the relay's timeline entry is the latest")
                .isZero();
        assertThat(exists(job)).isTrue();

        clock.tick(Duration.ofDays(2));
        assertThat(pass(RECORDS_ONLY, Retention.BATCH).jobs()).isEqualTo(1);
        assertThat(exists(job)).isFalse();
    }

    @Test
    void aPass_goesBatchByBatch_untilNothingExpiredIsLeft() {
        List<Job> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            done.add(finished(aJob().create()));
        }
        Job queued = aJob().create();
        clock.tick(KEEP.plusHours(1));

        assertThat(pass(RECORDS_ONLY, 2).jobs()).isEqualTo(5);

        assertThat(done).noneMatch(this::exists);
        assertThat(exists(queued)).isTrue();
        assertThat(pass(RECORDS_ONLY, 2).any()).isFalse();
    }

    @Test
    void outputFiles_goWithTheJob_onlyWhenThePolicySaysSo() {
        Job kept = finished(aJob().create());
        clock.tick(KEEP.plusHours(1));
        pass(RECORDS_ONLY, Retention.BATCH);
        Job gone = finished(aJob().create());
        clock.tick(KEEP.plusHours(1));

        Retention.Deleted deleted = pass(WITH_OUTPUTS, Retention.BATCH);

        assertThat(deleted.jobs()).isEqualTo(1);
        assertThat(deleted.files()).isEqualTo(1);
        assertThat(Files.exists(file(kept))).isTrue();
        assertThat(Files.exists(file(gone))).isFalse();
        assertThat(Files.exists(file(gone).getParent().getParent()))
                .as("the job's folder in the service's storage went with its last file")
                .isFalse();
    }

    @Test
    void twoPassesAtOnce_deleteEveryJobOnce() throws Exception {
        for (int i = 0; i < 12; i++) {
            finished(aJob().create());
        }
        clock.tick(KEEP.plusHours(1));

        List<Retention.Deleted> results = new ArrayList<>();
        try (ExecutorService two = Executors.newFixedThreadPool(2)) {
            Callable<Retention.Deleted> run = () -> pass(WITH_OUTPUTS, 3);
            List<Future<Retention.Deleted>> futures = two.invokeAll(List.of(run, run));
            for (Future<Retention.Deleted> f : futures) {
                results.add(f.get());
            }
        }

        assertThat(results.stream().mapToInt(Retention.Deleted::jobs).sum()).isEqualTo(12);
        assertThat(retention.expiredJobs(KEEP, null, 100, false)).isEmpty();
    }

    @Test
    void expiredJobs_comeOldestFirst_andAPageGoesOnFromWhereTheLastEnded() {
        Job first = finished(aJob().create());
        clock.tick(Duration.ofMinutes(1));
        Job second = finished(aJob().create());
        clock.tick(Duration.ofMinutes(1));
        Job third = finished(aJob().create());
        clock.tick(KEEP.plusHours(1));

        List<RetentionStore.ExpiredJob> page = retention.expiredJobs(KEEP, null, 2, true);

        assertThat(page).extracting(RetentionStore.ExpiredJob::id).containsExactly(first.id(), second.id());
        assertThat(page.get(0).finishedAt()).isEqualTo(first.finishedAt());
        assertThat(page.get(0).files()).containsExactly(file(first).toUri());
        assertThat(retention.expiredJobs(KEEP, page.getLast().finishedAt(), 2, false))
                .extracting(RetentionStore.ExpiredJob::id)
                .containsExactly(second.id(), third.id());
        assertThat(retention.expiredJobs(KEEP, null, 2, false).get(0).files())
                .as("files only when asked for")
                .isEmpty();
    }

    @Test
    void theApiDelete_takesAnyFinishedJob_whateverItsAgeAndWebhook() {
        Job job = finished(aJob().notifying("https://example.com/hook").create());

        assertThat(retention.deleteJobs(List.of(job.id(), "job_unknown"), null)).containsExactly(job.id());

        assertThat(exists(job)).isFalse();
        assertThat(outbox.due(10)).as("its pending delivery went with it").isEmpty();
    }

    @Test
    void anEventForAJobDeletedMeanwhile_isNotWritten() {
        Job job = aJob().create();
        jobs.cancel(job.id());
        retention.deleteJobs(List.of(job.id()), null);

        jobs.addEvent(job.id(), null, Timeline.created(1));

        assertThat(jobs.events(job.id())).isEmpty();
    }

    private Upload upload() {
        Upload u = storage.storeUpload(new ByteArrayInputStream(new byte[] {1, 2, 3}), 100, "in.bin");
        store.uploadOwners().record(u.id(), "acme", u.size());
        return u;
    }

    private boolean stored(Upload u) {
        return storage.localFile(u.uri()).isPresent();
    }

    @Test
    void uploads_pastTheirRetention_go_unlessAQueuedOrRunningJobUsesThem() {
        Upload unused = upload();
        Upload usedByAFinishedJob = upload();
        Upload input = upload();
        Upload watermark = upload();
        Upload recent;
        finished(aJob().withInput(usedByAFinishedJob.uri().toString()).create());
        aJob().withInput(input.uri().toString()).create();
        aJob().withOutput(
                        "marked",
                        H264.with(Profile.WATERMARK_URL, watermark.uri().toString()))
                .create();
        claimOne("w1");
        clock.tick(Duration.ofDays(6));
        recent = upload();
        clock.tick(Duration.ofDays(2));

        assertThat(pass(new RetentionPolicy(Duration.ZERO, Duration.ofDays(7), false), 2)
                        .uploads())
                .isEqualTo(2);

        assertThat(stored(unused)).isFalse();
        assertThat(stored(usedByAFinishedJob)).isFalse();
        assertThat(store.uploadOwners().owner(unused.id()))
                .as("its record went too")
                .isEmpty();
        assertThat(stored(input)).as("the input of a running job").isTrue();
        assertThat(stored(watermark)).as("the watermark of a queued job").isTrue();
        assertThat(stored(recent)).isTrue();
        assertThat(store.uploadOwners().owner(input.id())).hasValue("acme");
        assertThat(retention.inUse(List.of(
                        input.uri().toString(),
                        watermark.uri().toString(),
                        unused.uri().toString())))
                .containsExactlyInAnyOrder(
                        input.uri().toString(), watermark.uri().toString());
    }
}
