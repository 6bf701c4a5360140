package io.nommer.server.scaling.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.scaling.Scaler;
import io.nommer.core.store.Store;
import io.nommer.server.config.ConfigLoader;
import io.nommer.store.SettableClock;
import io.nommer.store.sqlite.SqliteStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaler's decisions with the {@code ec2} provider, against {@link RecordingAws} and a SQLite store. */
class Ec2ScalingTest {
    @TempDir
    Path tmp;

    RecordingAws aws;
    Store store;
    Scaler scaler;

    @BeforeEach
    void start() throws Exception {
        aws = RecordingAws.start();
        store = SqliteStores.open(tmp.resolve("nommer.db"));
        Ec2Settings settings = Ec2Settings.of(ConfigLoader.load(
                        Map.of(
                                "ec2_region", "eu-west-1",
                                "ec2_endpoint", aws.url(),
                                "ec2_auto_scaling_group", "farm-{cloud}"),
                        Map.of())
                .providerSettings());
        scaler = new Scaler(
                store.fleet(),
                Map.of("ec2", new Ec2Workers(settings, new SettableClock())),
                "orchestrator-a",
                InstantSource.system());
    }

    @AfterEach
    void stop() {
        scaler.close();
        store.close();
        aws.close();
    }

    private ScalingStatus tick(int minWorkers) {
        store.fleet().putCloud("default", 0);
        store.fleet()
                .scaleCloud(
                        "default",
                        new ScalingPolicy("ec2", minWorkers, 20, 1, Duration.ofSeconds(30), Duration.ofMinutes(5)));
        scaler.tick();
        return store.fleet().findCloud("default").orElseThrow().scalingStatus();
    }

    @Test
    void capacityStillLaunching_countsAsWorkers_soTheScalerDoesNotAskForItAgain() {
        aws.group("farm-default", 3, 10, 3, "i-0aa:InService");

        ScalingStatus status = tick(3);

        assertThat(status.current()).isEqualTo(3);
        assertThat(aws.requests("SetDesiredCapacity")).isEmpty();
    }

    @Test
    void belowMinWorkers_theScalerRaisesTheDesiredCapacity() {
        aws.group("farm-default", 3, 10, 1, "i-0aa:InService");

        ScalingStatus status = tick(3);

        assertThat(status.reason()).contains("starting 2");
        assertThat(aws.requests("SetDesiredCapacity").getFirst().form()).containsEntry("DesiredCapacity", "3");
    }

    @Test
    void awsRefusals_areInTheCloudsScalingStatus() {
        assertThat(tick(0).reason())
                .isEqualTo("provider ec2 cannot list its workers: there is no Auto Scaling group named farm-default in"
                        + " this account and region (ec2_auto_scaling_group, ec2_region)");

        aws.group("farm-default", 0, 10, 10);
        assertThat(tick(12).reason())
                .contains("starting failed after 0: Auto Scaling group farm-default is at its MaxSize (10)");
    }

    @Test
    void aRefusedStop_isInTheCloudsScalingStatus() {
        aws.group("farm-default", 2, 10, 2, "i-0aa:InService", "i-0bb:InService");
        store.fleet()
                .recordWorker(new WorkerStatus(
                        "i-0aa", List.of("default"), 1, 0, "ip-10-0-0-1", "null", null, null, List.of()));
        aws.refuseTerminationAtMinSize();
        store.fleet().putCloud("default", 0);
        store.fleet()
                .scaleCloud(
                        "default", new ScalingPolicy("ec2", 0, 1, 1, Duration.ofSeconds(30), Duration.ofMinutes(5)));

        scaler.tick();

        assertThat(store.fleet()
                        .findCloud("default")
                        .orElseThrow()
                        .scalingStatus()
                        .reason())
                .contains("stopping 1 idle worker(s)")
                .contains("stopping failed after 0: Auto Scaling refused TerminateInstanceInAutoScalingGroup for"
                        + " i-0aa: ValidationError: Currently, desiredSize equals minSize (1)");
    }
}
