package io.nommer.core.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantLimitsTest {
    @Test
    void aTenantsOwnLimit_winsOverTheDefault_andWhatNeitherSetsIsUnlimited() {
        TenantLimits defaults =
                TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, 4L).with(TenantLimit.MAX_QUEUED_JOBS, 1000L);
        TenantLimits own = TenantLimits.NONE
                .with(TenantLimit.MAX_RUNNING_TASKS, TenantLimits.UNLIMITED)
                .with(TenantLimit.MAX_INPUT_SECONDS, 60L);

        TenantLimits effective = own.over(defaults);

        assertThat(effective.limits(TenantLimit.MAX_RUNNING_TASKS)).isFalse();
        assertThat(effective.effective(TenantLimit.MAX_QUEUED_JOBS)).isEqualTo(1000);
        assertThat(effective.effective(TenantLimit.MAX_INPUT_SECONDS)).isEqualTo(60);
        assertThat(effective.effective(TenantLimit.MAX_INPUT_PIXELS)).isEqualTo(TenantLimits.UNLIMITED);
        assertThat(TenantLimits.NONE.over(defaults)).isEqualTo(defaults);
        assertThat(own.with(TenantLimit.MAX_INPUT_SECONDS, null).get(TenantLimit.MAX_INPUT_SECONDS))
                .isNull();
    }

    @Test
    void values_areWholeNumbersOfAtLeastZero_orUnlimited() {
        assertThat(TenantLimits.parseValue(TenantLimit.MAX_QUEUED_JOBS, "0")).isZero();
        assertThat(TenantLimits.parseValue(TenantLimit.MAX_QUEUED_JOBS, "unlimited"))
                .isEqualTo(TenantLimits.UNLIMITED);
        assertThat(TenantLimits.show(TenantLimits.UNLIMITED)).isEqualTo("unlimited");
        assertThat(TenantLimits.show(7)).isEqualTo(7L);
        for (String bad : new String[] {"-1", "1.5", "lots", ""}) {
            assertThatThrownBy(() -> TenantLimits.parseValue(TenantLimit.MAX_QUEUED_JOBS, bad))
                    .as(bad)
                    .hasMessage("max_queued_jobs must be a whole number of at least 0 or unlimited, not '" + bad + "'");
        }
        assertThatThrownBy(() -> new TenantLimits(Map.of(TenantLimit.MAX_INPUT_BYTES, -5L)))
                .hasMessageContaining("max_input_bytes must be at least 0");
        assertThatThrownBy(() -> TenantLimit.parse("max_gpus"))
                .hasMessageContaining("unknown limit 'max_gpus'; known: max_running_tasks, max_queued_jobs");
    }
}
