package io.nommer.core.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.fleet.ScalingPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScalingRuleTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final ScalingPolicy POLICY =
            new ScalingPolicy("local", 1, 10, 2, Duration.ofSeconds(60), Duration.ofMinutes(5));

    private static ScalingDecision decide(CloudLoad load, Instant lastScaleUp) {
        return ScalingRule.decide(POLICY, load, NOW, lastScaleUp);
    }

    @Test
    void startsEnoughWorkersForTheRunnableAndRunningTasks_withinMaxWorkers() {
        ScalingDecision d = decide(new CloudLoad(5, 2, 2, 0), null);
        assertThat(d.desired()).isEqualTo(4);
        assertThat(d.start()).isEqualTo(2);
        assertThat(d.reason()).isEqualTo("7 tasks need 4 worker(s) of 2 slot(s); 2 running: starting 2");

        ScalingDecision burst = decide(new CloudLoad(500, 0, 3, 0), null);
        assertThat(burst.desired()).isEqualTo(10);
        assertThat(burst.start()).isEqualTo(7);
        assertThat(burst.reason()).contains("at most max_workers (10)");
    }

    @Test
    void waitsOutTheCooldownAfterStartingWorkers_butNeverBelowMinWorkers() {
        ScalingDecision held = decide(new CloudLoad(20, 0, 4, 0), NOW.minusSeconds(20));
        assertThat(held.acts()).isFalse();
        assertThat(held.desired()).isEqualTo(10);
        assertThat(held.reason()).contains("waiting 40 s more (scale_up_cooldown)");
        assertThat(decide(new CloudLoad(20, 0, 4, 0), NOW.minusSeconds(60)).start())
                .isEqualTo(6);

        ScalingDecision belowMin = decide(new CloudLoad(0, 0, 0, 0), NOW.minusSeconds(1));
        assertThat(belowMin.start()).isEqualTo(1);
        assertThat(belowMin.reason()).startsWith("below min_workers (1)");
    }

    @Test
    void aboveTheNeed_leavesWorkersToExitWhenIdle_andAboveMaxStopsOnlyIdleOnes() {
        ScalingDecision quiet = decide(new CloudLoad(0, 1, 6, 5), null);
        assertThat(quiet.acts()).isFalse();
        assertThat(quiet.desired()).isEqualTo(1);
        assertThat(quiet.reason()).contains("the 5 more exit on their own after exit_when_idle (300 s)");

        ScalingDecision over = decide(new CloudLoad(30, 10, 14, 1), null);
        assertThat(over.stop()).as("only the idle one").isEqualTo(1);
        assertThat(over.reason()).contains("above max_workers (10): stopping 1 idle worker(s); the others once");
        assertThat(decide(new CloudLoad(2, 0, 1, 0), null).reason()).endsWith("1 running: enough");
    }

    @Test
    void aPolicyOutOfBounds_isRefusedNamingTheValue() {
        assertThatThrownBy(() -> new ScalingPolicy("k8s", 0, 1, 1, Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("provider");
        assertThatThrownBy(() -> new ScalingPolicy("local", 3, 2, 1, Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("min_workers");
        assertThatThrownBy(() -> new ScalingPolicy("local", 0, 2, 0, Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessageContaining("slots_per_worker");
        assertThatThrownBy(() -> new ScalingPolicy("local", 0, 2, 1, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("exit_when_idle");
    }
}
