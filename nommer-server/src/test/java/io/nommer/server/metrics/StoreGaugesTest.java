package io.nommer.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.store.Store;
import io.nommer.store.sqlite.SqliteStores;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaler's figures as {@code /metrics} exports them, read from a real store. */
class StoreGaugesTest {
    @TempDir
    Path dir;

    @Test
    void scaledClouds_exportDesiredAndCurrentWorkers_andTheScalersCounts() {
        try (Store store = SqliteStores.open(dir.resolve("nommer.db"))) {
            store.fleet().putCloud("burst", 0);
            store.fleet().putCloud("plain", 0);
            store.fleet()
                    .scaleCloud(
                            "burst",
                            new ScalingPolicy("local", 0, 4, 1, Duration.ofSeconds(30), Duration.ofMinutes(5)));
            Instant now = Instant.now();
            store.fleet()
                    .recordScaling(
                            "burst", new ScalingStatus(3, 1, "3 tasks need 3: starting 2", now, now, "o1", 2, 5, 1));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // why: Micrometer's function counters hold what they read weakly; the service keeps its StoreGauges
            // for its whole life, and so must the test, or a collection in between reads the counters as 0
            StoreGauges gauges = new StoreGauges(registry, store.metrics(), store.fleet());
            gauges.refreshIfStale();

            assertThat(registry.get("nommer.scaling.workers")
                            .tags("cloud", "burst", "of", "desired")
                            .gauge()
                            .value())
                    .isEqualTo(3);
            assertThat(registry.get("nommer.scaling.workers")
                            .tags("cloud", "burst", "of", "current")
                            .gauge()
                            .value())
                    .isEqualTo(1);
            assertThat(count(registry, "nommer.scaling.decisions")).isEqualTo(2);
            assertThat(count(registry, "nommer.scaling.workers.started")).isEqualTo(5);
            assertThat(count(registry, "nommer.scaling.workers.stopped")).isEqualTo(1);
            assertThat(registry.find("nommer.scaling.workers")
                            .tag("cloud", "plain")
                            .gauges())
                    .as("a cloud without a policy has no scaling figures")
                    .isEmpty();
            Reference.reachabilityFence(gauges);
        }
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("cloud", "burst").functionCounter().count();
    }
}
