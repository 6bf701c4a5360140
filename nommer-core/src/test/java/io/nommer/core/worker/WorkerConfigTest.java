package io.nommer.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.fleet.Cloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
    private static final Path WORK = Path.of("work");

    @Test
    void aBuilderWithNothingSet_givesTheNamedDefaults() {
        WorkerConfig c = WorkerConfig.builder("w", WORK).build();
        assertThat(c.slots()).isEqualTo(WorkerConfig.DEFAULT_SLOTS);
        assertThat(c.lease()).isEqualTo(WorkerConfig.DEFAULT_LEASE);
        assertThat(c.clouds()).containsExactly(Cloud.DEFAULT);
        assertThat(c.claimBatch()).isEqualTo(WorkerConfig.DEFAULT_CLAIM_BATCH);
        assertThat(c.maxInputSeconds()).isEqualTo(WorkerConfig.DEFAULT_MAX_INPUT_SECONDS);
        assertThat(c.maxInputPixels()).isEqualTo(7680L * 4320);
        assertThat(c.maxInputStreams()).isEqualTo(64);
    }

    @Test
    void badSettings_areRefusedByTheNamesUsersWrite() {
        assertThatThrownBy(() -> WorkerConfig.builder("w", WORK).slots(0).build())
                .hasMessage("workers must be between 1 and 256, not 0");
        assertThatThrownBy(() -> WorkerConfig.builder("w", WORK)
                        .lease(Duration.ofSeconds(1))
                        .build())
                .hasMessage("lease_seconds cannot be less than 2, not 1");
        assertThatThrownBy(() -> WorkerConfig.builder("w", WORK)
                        .lease(Duration.ofSeconds(2), Duration.ofSeconds(2))
                        .build())
                .hasMessageContaining("at most half of lease_seconds (2)");
        assertThatThrownBy(() -> WorkerConfig.builder("w", WORK)
                        .encodeTimeout(Duration.ZERO)
                        .build())
                .hasMessage("encode_timeout_seconds cannot be less than 1");
        assertThatThrownBy(() ->
                        WorkerConfig.builder("w", WORK).inputLimits(0, 1, 1).build())
                .hasMessage("max_input_seconds must be positive, not 0.0");
        assertThatThrownBy(() ->
                        WorkerConfig.builder("w", WORK).inputLimits(1, 0, 1).build())
                .hasMessage("max_input_pixels must be positive, not 0");
        assertThatThrownBy(() ->
                        WorkerConfig.builder("w", WORK).inputLimits(1, 1, 0).build())
                .hasMessage("max_input_streams must be positive, not 0");
        assertThatThrownBy(() ->
                        WorkerConfig.builder("w", WORK).clouds(List.of("GPU!")).build())
                .hasMessageStartingWith("clouds: 'GPU!' is not a valid cloud name");
    }
}
