package io.nommer.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's check of an input against its tenant's limits (the service's own limits are WorkerTest's). */
class TenantInputLimitsTest {
    /** 10 s of 1280x720, 5 MB. */
    private static final MediaInfo INPUT = new MediaInfo(
            "mov,mp4",
            10.0,
            4_000_000L,
            5_000_000,
            List.of(new StreamInfo(
                    0, "video", "h264", 1280, 720, 25.0, null, null, null, 10.0, "1:1", 0, "progressive")));

    private static TaskFailedException refused(TenantLimit limit, long value) {
        return catchThrowableOfType(
                TaskFailedException.class,
                () -> OutputProducer.checkTenantLimits("acme", TenantLimits.NONE.with(limit, value), INPUT));
    }

    @Test
    void anInputWithinTheLimits_passes() {
        TenantLimits roomy = TenantLimits.NONE
                .with(TenantLimit.MAX_INPUT_BYTES, 5_000_000L)
                .with(TenantLimit.MAX_INPUT_SECONDS, 10L)
                .with(TenantLimit.MAX_INPUT_PIXELS, 1280L * 720)
                .with(TenantLimit.MAX_RUNNING_TASKS, 0L);
        assertThatCode(() -> OutputProducer.checkTenantLimits("acme", roomy, INPUT))
                .doesNotThrowAnyException();
        assertThatCode(() -> OutputProducer.checkTenantLimits("acme", TenantLimits.NONE, INPUT))
                .doesNotThrowAnyException();
    }

    @Test
    void eachInputLimit_failsTheTaskWithItsCode_namingTheTenantAndTheLimit() {
        TaskFailedException bytes = refused(TenantLimit.MAX_INPUT_BYTES, 4_999_999);
        assertThat(bytes.code()).isEqualTo(ErrorCode.TENANT_INPUT_LIMIT_EXCEEDED);
        assertThat(bytes.code().retryable()).isFalse();
        assertThat(bytes).hasMessage("the input is 5000000 bytes, more than tenant acme's max_input_bytes of 4999999");
        assertThat(refused(TenantLimit.MAX_INPUT_SECONDS, 9))
                .hasMessage("the input lasts 10.0 s, more than tenant acme's max_input_seconds of 9");
        assertThat(refused(TenantLimit.MAX_INPUT_PIXELS, 640 * 360))
                .hasMessage("the input's 1280x720 picture has 921600 pixels, more than tenant acme's "
                        + "max_input_pixels of 230400");
    }
}
