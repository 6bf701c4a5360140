package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.CloudPrice;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.TaskCounts;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.job.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every engine's {@link FleetRegistry} must do: clouds and workers. */
public abstract class FleetRegistryContract extends StoreFixture {
    @Test
    void clouds_canBeCreatedReprioritizedListedAndDeletedButNotWhileBusy() {
        assertThat(fleet.listClouds()).extracting(Cloud::name).containsExactly(Cloud.DEFAULT);
        fleet.putCloud("low", -1);
        Cloud hi = fleet.putCloud("hi", 5);
        assertThat(hi.priority()).isEqualTo(5);
        assertThat(hi.createdAt()).isEqualTo(clock.instant());
        assertThat(fleet.putCloud("low", 50).priority()).isEqualTo(50);
        assertThat(fleet.listClouds()).extracting(Cloud::name).containsExactly("low", "hi", Cloud.DEFAULT);

        Job busy = aJob().inCloud("hi").create();
        assertThatThrownBy(() -> fleet.deleteCloud("hi"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 queued or running");
        assertThatThrownBy(() -> fleet.deleteCloud(Cloud.DEFAULT)).isInstanceOf(IllegalStateException.class);
        jobs.cancel(busy.id());
        assertThat(fleet.deleteCloud("hi")).isTrue();
        assertThat(fleet.deleteCloud("hi")).isFalse();
        assertThat(fleet.findCloud("hi")).isEmpty();
    }

    @Test
    void prices_keepTheirHistory_soEarlierWorkKeepsItsPrice_andOutliveTheirCloud() {
        assertThat(fleet.findCloud(Cloud.DEFAULT).orElseThrow().pricePerCoreHour())
                .as("unknown until set")
                .isZero();
        fleet.putCloud("spot", 0);
        Instant first = clock.instant();
        assertThat(fleet.priceCloud("spot", 0.05).orElseThrow().pricePerCoreHour())
                .isEqualTo(0.05);
        clock.tick(Duration.ofHours(1));
        assertThat(fleet.priceCloud("spot", 0.05)).as("the same price again").isPresent();
        Instant second = clock.instant();
        fleet.priceCloud("spot", 0.08);
        assertThat(fleet.priceCloud("nowhere", 1.0)).isEmpty();

        assertThat(fleet.listClouds())
                .filteredOn(c -> c.name().equals("spot"))
                .extracting(Cloud::pricePerCoreHour)
                .containsExactly(0.08);
        assertThat(fleet.prices())
                .containsExactly(new CloudPrice("spot", first, 0.05), new CloudPrice("spot", second, 0.08));
        assertThat(fleet.deleteCloud("spot")).isTrue();
        assertThat(fleet.prices())
                .as("finished jobs of a deleted cloud keep their cost")
                .hasSize(2);
        assertThatThrownBy(() -> fleet.priceCloud(Cloud.DEFAULT, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scaling_isStoredWithTheCloud_andANewPolicyForgetsTheOldDecisions() {
        fleet.putCloud("burst", 0);
        ScalingPolicy policy = new ScalingPolicy("local", 0, 4, 2, Duration.ofSeconds(30), Duration.ofMinutes(2));
        assertThat(fleet.scaleCloud("burst", policy).orElseThrow().scaling()).isEqualTo(policy);
        assertThat(fleet.scaleCloud("nowhere", policy)).isEmpty();
        ScalingStatus status = new ScalingStatus(
                3, 1, "5 tasks need 3 worker(s)", clock.instant(), clock.instant(), "serve-1", 1, 2, 0);
        fleet.recordScaling("burst", status);
        assertThat(fleet.findCloud("burst").orElseThrow().scalingStatus()).isEqualTo(status);

        Cloud off = fleet.scaleCloud("burst", null).orElseThrow();

        assertThat(off.scaling()).isNull();
        assertThat(off.scalingStatus()).isNull();
    }

    @Test
    void theScalersLease_isHeldByOneHolderUntilItExpiresOrIsReleased() {
        assertThat(fleet.holdScaler("a", Duration.ofSeconds(30))).isTrue();
        assertThat(fleet.holdScaler("b", Duration.ofSeconds(30))).isFalse();
        clock.tick(Duration.ofSeconds(20));
        assertThat(fleet.holdScaler("a", Duration.ofSeconds(30))).as("renewed").isTrue();
        clock.tick(Duration.ofSeconds(20));
        assertThat(fleet.holdScaler("b", Duration.ofSeconds(30))).isFalse();
        clock.tick(Duration.ofSeconds(11));
        assertThat(fleet.holdScaler("b", Duration.ofSeconds(30)))
                .as("a stopped renewing")
                .isTrue();
        fleet.releaseScaler("a");
        assertThat(fleet.holdScaler("a", Duration.ofSeconds(30)))
                .as("a cannot release b's")
                .isFalse();
        fleet.releaseScaler("b");
        assertThat(fleet.holdScaler("a", Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void taskCounts_countQueuedTasksWhoseTimeHasComeAndRunningOnes_perCloud() {
        fleet.putCloud("gpu", 0);
        aJob().create();
        aJob().create();
        aJob().inCloud("gpu").create();
        assertThat(queue.claim("w1", 1, Duration.ofMinutes(1))).hasSize(1);

        assertThat(fleet.taskCounts())
                .containsEntry(Cloud.DEFAULT, new TaskCounts(1, 1))
                .containsEntry("gpu", new TaskCounts(1, 0));
    }

    @Test
    void workers_areListedWhileSeenAndForgottenWhenStaleOrRemoved() {
        fleet.recordWorker(new WorkerStatus("w1", List.of("default", "gpu"), 4, 1, "host-a", "ffmpeg", null, null));
        clock.tick(Duration.ofSeconds(30));
        fleet.recordWorker(new WorkerStatus("w2", List.of("default"), 1, 0, "host-b", "null", null, null));
        fleet.recordWorker(new WorkerStatus("w2", List.of("default"), 2, 2, "host-b", "null", null, null));

        List<WorkerStatus> seen = fleet.listWorkers(Duration.ofMinutes(1));
        assertThat(seen).extracting(WorkerStatus::id).containsExactly("w1", "w2");
        WorkerStatus w1 = seen.get(0);
        assertThat(w1.clouds()).containsExactly("default", "gpu");
        assertThat(w1.lastSeen()).isEqualTo(clock.instant().minusSeconds(30));
        assertThat(seen.get(1).active()).isEqualTo(2);
        assertThat(seen.get(1).startedAt()).isEqualTo(clock.instant());

        clock.tick(Duration.ofSeconds(45));
        assertThat(fleet.listWorkers(Duration.ofMinutes(1)))
                .extracting(WorkerStatus::id)
                .containsExactly("w2");
        fleet.removeWorker("w2");
        assertThat(fleet.listWorkers(Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void workers_reportTheirStacks() {
        io.nommer.core.stack.Stack stack = new io.nommer.core.stack.Stack(
                "ffmpeg-5.1",
                List.of(new io.nommer.core.stack.Stack.Tool("ffmpeg", "/usr/bin/ffmpeg", "5.1.9")),
                List.of("libx264", "aac"),
                List.of("mp4"),
                List.of("scale"));
        fleet.recordWorker(
                new WorkerStatus("w1", List.of("default"), 1, 0, "host-a", "ffmpeg", null, null, List.of(stack)));
        fleet.recordWorker(new WorkerStatus("w2", List.of("default"), 1, 0, "host-b", "null", null, null));

        List<WorkerStatus> seen = fleet.listWorkers(Duration.ofMinutes(1));

        assertThat(seen.get(0).stacks()).containsExactly(stack);
        assertThat(seen.get(1).stacks()).isEmpty();
        assertThat(seen.get(0).takes("ffmpeg-5.1")).isTrue();
        assertThat(seen.get(0).takes("ffmpeg-6.1")).isFalse();
        assertThat(seen.get(1).takes("ffmpeg-6.1")).isTrue();
    }
}
