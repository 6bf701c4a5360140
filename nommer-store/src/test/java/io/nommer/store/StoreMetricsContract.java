package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.job.Job;
import io.nommer.core.job.OutputFile;
import io.nommer.core.metrics.QueueBand;
import io.nommer.core.metrics.StoreMetrics;
import io.nommer.core.metrics.WorkTotal;
import io.nommer.core.metrics.WorkTotal.Kind;
import io.nommer.core.profile.Priority;
import io.nommer.core.queue.ClaimedTask;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every engine's {@link StoreMetrics} must answer: totals of the work submitted and finished by cloud, preset and
 * state, the same before and after they are folded, each job counted once however many fold at once, and kept when
 * retention deletes the jobs; the queue's depth and oldest age per cloud and priority.
 */
public abstract class StoreMetricsContract extends StoreFixture {
    private static final Duration PAST_THE_FOLD = StoreMetrics.FOLD_MARGIN.plusSeconds(1);

    private Map<WorkTotal.Key, WorkTotal> totals() {
        return store.metrics().totals().stream().collect(Collectors.toMap(WorkTotal::key, t -> t));
    }

    private static WorkTotal.Key key(Kind kind, String cloud, String preset, String state) {
        return new WorkTotal.Key(kind, cloud, preset, state);
    }

    /** One job with two outputs that succeeds (encoded for 5 s, 2.5 CPU seconds each), one that fails for good. */
    private List<String> aSucceededAndAFailedJob() {
        String succeeding = aJob().withOutputs(2).create().id();
        String failingJob = aJob().withMaxAttempts(1).create().id();
        ClaimedTask first = claimOne("w1");
        ClaimedTask second = claimOne("w1");
        clock.tick(Duration.ofSeconds(5));
        List<OutputFile> files = List.of(new OutputFile("a.mp4", "file:///out/a.mp4", 1000, "video", 1.0, 320, 240));
        queue.complete(first.taskId(), first.leaseToken(), files, 2.5);
        queue.complete(second.taskId(), second.leaseToken(), files, 2.5);
        ClaimedTask failing = claimOne("w1");
        queue.fail(failing.taskId(), failing.leaseToken(), failure(ErrorCode.ENCODE_FAILED, null));
        return List.of(succeeding, failingJob);
    }

    private void assertTotalsOfASucceededAndAFailedJob(Map<WorkTotal.Key, WorkTotal> t) {
        assertThat(t.get(key(Kind.JOBS_SUBMITTED, "default", "", "")).count()).isEqualTo(2);
        assertThat(t.get(key(Kind.OUTPUTS_SUBMITTED, "default", "mp4-h264", "")).count())
                .isEqualTo(3);
        assertThat(t.get(key(Kind.JOBS_FINISHED, "default", "", "succeeded")).count())
                .isEqualTo(1);
        assertThat(t.get(key(Kind.JOBS_FINISHED, "default", "", "failed")).count())
                .isEqualTo(1);
        WorkTotal succeeded = t.get(key(Kind.OUTPUTS_FINISHED, "default", "mp4-h264", "succeeded"));
        assertThat(succeeded.count()).isEqualTo(2);
        assertThat(succeeded.bytes()).isEqualTo(2000);
        assertThat(succeeded.cpuSeconds()).isEqualTo(5.0);
        assertThat(succeeded.encodeSeconds()).isEqualTo(10.0);
        WorkTotal failed = t.get(key(Kind.OUTPUTS_FINISHED, "default", "mp4-h264", "failed"));
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.cpuSeconds()).isEqualTo(1.5);
        assertThat(failed.bytes()).isZero();
    }

    @Test
    void totals_countJobsAndOutputs_byCloudPresetAndState_beforeAndAfterTheyAreFolded() {
        aSucceededAndAFailedJob();

        assertTotalsOfASucceededAndAFailedJob(totals());

        clock.tick(PAST_THE_FOLD);
        assertTotalsOfASucceededAndAFailedJob(totals());
        assertThat(totals()).as("reading again folds nothing twice").isEqualTo(totals());
    }

    @Test
    void totals_areKept_whenRetentionDeletesTheJobs() {
        List<String> ids = aSucceededAndAFailedJob();
        clock.tick(PAST_THE_FOLD);
        Map<WorkTotal.Key, WorkTotal> before = totals();

        assertThat(store.retention().deleteJobs(ids, null)).hasSize(2);

        assertThat(totals()).isEqualTo(before);
    }

    @Test
    void totals_countEachJobOnce_whenSeveralReadersFoldAtOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            aJob().inCloud("default").create();
        }
        clock.tick(PAST_THE_FOLD);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<WorkTotal>>> readers =
                    List.of(store.metrics()::totals, store.metrics()::totals, store.metrics()::totals);
            for (Future<List<WorkTotal>> f : pool.invokeAll(readers)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(totals().get(key(Kind.JOBS_SUBMITTED, "default", "", "")).count())
                .isEqualTo(20);
    }

    @Test
    void totals_countAJobFinishingAfterTheFoldPassedItsSubmission() {
        Job job = aJob().create();
        clock.tick(PAST_THE_FOLD);
        assertThat(totals().get(key(Kind.JOBS_SUBMITTED, "default", "", "")).count())
                .isEqualTo(1);
        assertThat(totals()).doesNotContainKey(key(Kind.JOBS_FINISHED, "default", "", "cancelled"));

        jobs.cancel(job.id());

        assertThat(totals().get(key(Kind.JOBS_FINISHED, "default", "", "cancelled"))
                        .count())
                .isEqualTo(1);
        clock.tick(PAST_THE_FOLD);
        assertThat(totals().get(key(Kind.JOBS_FINISHED, "default", "", "cancelled"))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void queue_countsQueuedAndRunningTasks_perCloudAndJobPriority_withTheOldestQueuedAge() {
        aJob().withPriority(Priority.HIGH).create();
        clock.tick(Duration.ofSeconds(30));
        aJob().withPriority(Priority.HIGH).create();
        aJob().withPriority(Priority.LOW).create();
        claimOne("w1");
        clock.tick(Duration.ofSeconds(10));

        List<QueueBand> bands = store.metrics().queue();

        assertThat(bands)
                .containsExactlyInAnyOrder(
                        new QueueBand("default", Priority.HIGH, 1, 1, Duration.ofSeconds(10)),
                        new QueueBand("default", Priority.LOW, 1, 0, Duration.ofSeconds(10)));
    }
}
