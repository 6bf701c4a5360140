package io.nommer.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.job.JobState;
import io.nommer.core.job.Task;
import io.nommer.core.profile.Profile;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Pricing PRICES =
            new Pricing(List.of(new CloudPrice("spot", T0, 0.05), new CloudPrice("spot", T0.plusSeconds(3600), 0.10)));

    private static Task task(double cpuSeconds, Instant finishedAt) {
        return new Task(
                "tsk_1",
                "job_1",
                0,
                "mp4",
                "mp4-h264",
                Profile.EMPTY,
                null,
                JobState.SUCCEEDED,
                100,
                1,
                3,
                List.of(),
                null,
                null,
                null,
                cpuSeconds,
                T0,
                T0,
                finishedAt,
                null,
                0,
                Map.of());
    }

    @Test
    void aTaskCostsItsCpuAtThePriceInEffectWhenItFinished() {
        assertThat(PRICES.cost("spot", task(3600, T0.plusSeconds(10)), T0)).isCloseTo(0.05, within(1e-12));
        assertThat(PRICES.cost("spot", task(3600, T0.plusSeconds(3600)), T0)).isCloseTo(0.10, within(1e-12));
        assertThat(PRICES.cost("spot", task(36, null), T0.plusSeconds(7200)))
                .as("a running task: the price now")
                .isCloseTo(0.001, within(1e-12));
    }

    @Test
    void withoutAPrice_theCostIsUnknown() {
        assertThat(PRICES.cost("spot", task(10, T0.minusSeconds(1)), T0))
                .as("before the first price")
                .isNull();
        assertThat(PRICES.cost("other", task(10, T0), T0)).isNull();
        assertThat(Pricing.NONE.cost("spot", List.of(task(0, null)), T0)).isNull();
        assertThat(PRICES.cost("spot", List.of(task(3600, T0), task(10, T0.minusSeconds(5))), T0))
                .as("one task without a price makes the sum unknown")
                .isNull();
        assertThat(PRICES.cost("spot", List.of(task(3600, T0), task(0, T0.minusSeconds(5))), T0))
                .as("a task that used no CPU costs nothing, priced or not")
                .isCloseTo(0.05, within(1e-12));
    }
}
