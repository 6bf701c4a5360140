package io.nommer.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.metrics.WorkTotal.Kind;
import io.nommer.core.profile.Priority;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkTotalTest {
    private static WorkTotal succeeded(String preset, long count, double cpu) {
        return new WorkTotal(Kind.OUTPUTS_FINISHED, "default", preset, "succeeded", count, 100 * count, cpu, 1, 2);
    }

    @Test
    void merge_addsTotalsOfTheSameLabels_andKeepsTheOthersApart() {
        List<WorkTotal> merged =
                WorkTotal.merge(List.of(succeeded("mp3", 1, 0.5), succeeded("webm-vp9", 2, 4), succeeded("mp3", 3, 1)));

        assertThat(merged)
                .containsExactly(
                        new WorkTotal(Kind.OUTPUTS_FINISHED, "default", "mp3", "succeeded", 4, 400, 1.5, 2, 4),
                        succeeded("webm-vp9", 2, 4));
    }

    @Test
    void plus_refusesATotalOfOtherLabels() {
        assertThatThrownBy(() -> succeeded("mp3", 1, 0).plus(succeeded("webm-vp9", 1, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webm-vp9");
    }

    @Test
    void missingPresetAndState_areEmptyLabels() {
        WorkTotal submitted = new WorkTotal(Kind.JOBS_SUBMITTED, "gpu", null, null, 1, 0, 0, 0, 0);

        assertThat(submitted.key()).isEqualTo(new WorkTotal.Key(Kind.JOBS_SUBMITTED, "gpu", "", ""));
    }

    @Test
    void aTasksPriority_namesItsJobsPriority() {
        assertThat(Priority.jobOf(Priority.combined(Priority.HIGH, Priority.LOW)))
                .isEqualTo(Priority.HIGH);
        assertThat(Priority.jobOf(Priority.combined(Priority.LOW, Priority.HIGH)))
                .isEqualTo(Priority.LOW);
        assertThatThrownBy(() -> Priority.jobOf(7)).hasMessageContaining("7");
    }
}
