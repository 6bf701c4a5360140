package io.nommer.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOutcomeTest {
    @Test
    void aJobWithAnyTaskQueuedOrRunning_hasNoOutcomeYet() {
        assertThat(JobOutcome.of(Map.of(JobState.SUCCEEDED, 2, JobState.RUNNING, 1)))
                .isEmpty();
        assertThat(JobOutcome.of(Map.of(JobState.FAILED, 1, JobState.QUEUED, 1)))
                .isEmpty();
    }

    @Test
    void anyFailedOutput_failsTheJob_evenWhenOthersWereCancelled() {
        assertThat(JobOutcome.of(Map.of(JobState.SUCCEEDED, 1, JobState.FAILED, 1, JobState.CANCELLED, 1)))
                .contains(new JobOutcome(JobState.FAILED, "1 of 3 output(s) failed"));
    }

    @Test
    void cancelledOutputsWithoutFailures_cancelTheJob() {
        assertThat(JobOutcome.of(Map.of(JobState.SUCCEEDED, 3, JobState.CANCELLED, 1)))
                .contains(new JobOutcome(JobState.CANCELLED, "1 of 4 output(s) cancelled"));
    }

    @Test
    void onlySucceededOutputs_succeedTheJob() {
        JobOutcome outcome = JobOutcome.of(Map.of(JobState.SUCCEEDED, 2)).orElseThrow();
        assertThat(outcome).isEqualTo(new JobOutcome(JobState.SUCCEEDED, "all 2 output(s) succeeded"));
        assertThat(outcome.eventType()).isEqualTo("job.succeeded");
    }

    @Test
    void cancellingByTheOwner_saysHowManyOutputsWereStopped() {
        assertThat(JobOutcome.cancelled(2).message()).isEqualTo("cancelled; 2 unfinished output(s) stopped");
    }
}
