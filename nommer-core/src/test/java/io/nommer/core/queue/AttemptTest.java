package io.nommer.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.job.Timeline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptTest {
    private static final Attempt SECOND_OF_THREE = new Attempt("tsk_a_0", "job_a", 2, 3, "w-1");
    private static final Attempt LAST = new Attempt("tsk_a_0", "job_a", 3, 3, "w-1");

    @Test
    void aRetryableFailureWithAttemptsLeft_requeues_othersEndTheTask() {
        assertThat(SECOND_OF_THREE.requeuesAfter(TaskFailure.of(ErrorCode.OUTPUT_FAILED, "s3 down")))
                .isTrue();
        assertThat(SECOND_OF_THREE.requeuesAfter(TaskFailure.of(ErrorCode.ENCODE_FAILED, "bad")))
                .isFalse();
        assertThat(LAST.requeuesAfter(TaskFailure.of(ErrorCode.OUTPUT_FAILED, "s3 down")))
                .isFalse();
    }

    @Test
    void anExpiredLease_waitsTheBackoffTimesTheAttemptsMade() {
        assertThat(SECOND_OF_THREE.backoffAfterExpiry(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theTimelineNamesTheAttemptAndWhenTheNextTryIs() {
        assertThat(Timeline.leaseExpired(SECOND_OF_THREE.describe(), Duration.ofMillis(1500))
                        .message())
                .isEqualTo("lease of attempt 2 of 3 on worker w-1 expired; next try in 1.5s");
        assertThat(Timeline.retrying(
                                TaskFailure.of(ErrorCode.OUTPUT_FAILED, "s3 down")
                                        .reason(),
                                2,
                                3,
                                Duration.ofSeconds(20))
                        .message())
                .isEqualTo("output_failed: s3 down (attempt 2 of 3; next try in 20s)");
        assertThat(TaskFailure.leaseExpired(LAST).message())
                .isEqualTo("lease of attempt 3 of 3 on worker w-1 expired; no attempts left");
    }

    @Test
    void aFailedRendition_failsItsPackagingNamingTheRungFromOne() {
        TaskFailure f = TaskFailure.renditionFailed(0, "encode_failed: boom");
        assertThat(f.code()).isEqualTo(ErrorCode.PART_FAILED);
        assertThat(f.reason()).isEqualTo("part_failed: rendition 1 failed: encode_failed: boom");
    }
}
