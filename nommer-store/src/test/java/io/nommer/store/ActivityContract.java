package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.activity.Activity;
import io.nommer.core.activity.Activity.Minute;
import io.nommer.core.job.Job;
import io.nommer.core.queue.ClaimedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every engine's {@code ActivityStore} must give the dashboard's plots: each job active in the window once, with
 * the timestamps the store wrote, and nothing of jobs that finished before it or belong to another tenant.
 */
public abstract class ActivityContract extends StoreFixture {
    private static final Instant START = SettableClock.START;

    private void at(Duration sinceStart) {
        clock.set(START.plus(sinceStart));
    }

    private void runToSuccess(ClaimedTask c) {
        queue.complete(c.taskId(), c.leaseToken(), List.of(), 1);
    }

    @Test
    void aWindow_countsWhatItsJobsDid_minuteByMinute() {
        at(Duration.ofHours(-3));
        aJob().create();
        runToSuccess(claimOne("w1"));
        at(Duration.ofSeconds(10));
        Job ran = aJob().create();
        at(Duration.ofSeconds(70));
        ClaimedTask running = claimOne("w1");
        assertThat(running.jobId()).isEqualTo(ran.id());
        at(Duration.ofHours(-2));
        aJob().create();
        at(Duration.ofSeconds(130));
        runToSuccess(running);
        at(Duration.ofMinutes(3));
        Job cancelled = aJob().create();
        at(Duration.ofMinutes(4));
        jobs.cancel(cancelled.id());
        at(Duration.ofMinutes(5));
        aJob().forTenant("acme").create();
        at(Duration.ofSeconds(59 * 60 + 30));

        Activity.Window w = store.activity().window(60, null);
        List<Minute> m = Activity.perMinute(w);

        assertThat(w.now()).isEqualTo(clock.instant());
        assertThat(w.queuedBefore())
                .as("the job queued since before the window")
                .isEqualTo(1);
        assertThat(m).hasSize(60);
        assertThat(m.get(0).minute()).isEqualTo(START);
        assertThat(m.stream().mapToInt(Minute::submitted).sum()).isEqualTo(3);
        assertThat(m.get(0).submitted()).isEqualTo(1);
        assertThat(m.get(0).queued()).isEqualTo(2);
        assertThat(m.get(1).running()).isEqualTo(1);
        assertThat(m.get(1).queued()).isEqualTo(1);
        assertThat(m.get(2).succeeded()).isEqualTo(1);
        assertThat(m.stream().mapToInt(Minute::succeeded).sum())
                .as("the job that finished before the window is not counted")
                .isEqualTo(1);
        assertThat(m.get(2).running()).isZero();
        assertThat(m.get(3).queued()).isEqualTo(2);
        assertThat(m.get(4).cancelled()).isEqualTo(1);
        assertThat(m.get(59).queued()).isEqualTo(2);
        assertThat(m.get(59).running()).isZero();
    }

    @Test
    void aTenantsWindow_holdsOnlyItsOwnJobs() {
        at(Duration.ofHours(-2));
        aJob().create();
        at(Duration.ofMinutes(5));
        aJob().forTenant("acme").create();
        aJob().create();
        at(Duration.ofSeconds(59 * 60 + 30));

        List<Minute> m = Activity.perMinute(store.activity().window(60, "acme"));

        assertThat(m.stream().mapToInt(Minute::submitted).sum()).isEqualTo(1);
        assertThat(m.get(5).submitted()).isEqualTo(1);
        assertThat(m.get(59).queued()).isEqualTo(1);
    }

    @Test
    void aJobRetriedAndEndedAgain_isInTheWindowOnce_endedWhenItEndedLast() {
        at(Duration.ofMinutes(1));
        Job job = aJob().create();
        at(Duration.ofMinutes(2));
        jobs.cancel(job.id());
        at(Duration.ofMinutes(3));
        jobs.retry(job.id());
        at(Duration.ofMinutes(4));
        jobs.cancel(job.id());
        at(Duration.ofSeconds(59 * 60 + 30));

        List<Minute> m = Activity.perMinute(store.activity().window(60, null));

        assertThat(m.stream().mapToInt(Minute::cancelled).sum()).isEqualTo(1);
        assertThat(m.get(4).cancelled()).isEqualTo(1);
    }
}
