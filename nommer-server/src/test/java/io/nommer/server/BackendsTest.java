package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackendsTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void claimBatch_atOnce_isTheWholeBatch() {
        assertThat(Backends.claimBatch(200, LEASE, Duration.ZERO)).isEqualTo(200);
    }

    @Test
    void claimBatch_withAPausePerTask_endsWithinHalfTheLease() {
        assertThat(Backends.claimBatch(200, LEASE, Duration.ofMillis(20))).isEqualTo(200);
        assertThat(Backends.claimBatch(200, LEASE, Duration.ofMillis(500))).isEqualTo(30);
        assertThat(Backends.claimBatch(200, LEASE, Duration.ofMinutes(1))).isEqualTo(1);
    }
}
