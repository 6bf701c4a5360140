package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.fleet.WorkerStatus;
import io.nommer.core.store.Store;
import io.nommer.core.testing.Await;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.scaling.ec2.RecordingAws;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker on "EC2" ({@code ec2_terminate_when_idle}), its metadata service and Auto Scaling played by
 * {@link RecordingAws}: it reports itself by its instance id and, once idle, terminates its instance lowering the
 * group's desired capacity; when AWS refuses, it fails so that its process exits non-zero.
 */
class Ec2IdleExitTest {
    @TempDir
    Path tmp;

    RecordingAws aws;
    WorkerProcess worker;

    @BeforeEach
    void start() throws Exception {
        aws = RecordingAws.start();
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        aws.close();
    }

    private ServerConfig config(String exitWhenIdle) {
        Map<String, String> s = new HashMap<>();
        s.put("data", tmp.toString());
        s.put("workers", "1");
        s.put("encoder", "null");
        if (exitWhenIdle != null) {
            s.put("exit_when_idle", exitWhenIdle);
        }
        s.put("ec2_terminate_when_idle", "true");
        s.put("ec2_region", "eu-west-1");
        s.put("ec2_endpoint", aws.url());
        s.put("ec2_metadata_endpoint", aws.url());
        return ConfigLoader.load(s, Map.of());
    }

    @Test
    void idleWorker_reportsByItsInstanceId_thenTerminatesItsInstance_decrementingTheGroup() throws Exception {
        ServerConfig config = config("5s");
        worker = WorkerProcess.start(config);
        try (Store store = Backends.store(config, tmp)) {
            Await.until(
                    "the worker's report",
                    Duration.ofSeconds(10),
                    () -> store.fleet().listWorkers(Duration.ofMinutes(1)).stream()
                            .map(WorkerStatus::id)
                            .toList(),
                    ids -> ids.contains(RecordingAws.INSTANCE_ID));
        }

        assertThat(worker.awaitExit(Duration.ofSeconds(30))).isTrue();

        assertThat(worker.failure()).isNull();
        var requests = aws.requests();
        assertThat(requests)
                .extracting(r -> r.method() + " " + r.path())
                .containsExactly("PUT /latest/api/token", "GET /latest/meta-data/instance-id", "POST /");
        assertThat(requests.get(0).headers()).containsKey("x-aws-ec2-metadata-token-ttl-seconds");
        assertThat(requests.get(1).headers()).containsEntry("x-aws-ec2-metadata-token", RecordingAws.TOKEN);
        assertThat(requests.get(2).form())
                .containsEntry("Action", "TerminateInstanceInAutoScalingGroup")
                .containsEntry("InstanceId", RecordingAws.INSTANCE_ID)
                .containsEntry("ShouldDecrementDesiredCapacity", "true");
    }

    @Test
    void idleWorker_whoseTerminationAwsRefuses_exitsWithTheFailure() throws Exception {
        aws.refuseTerminationAtMinSize();
        worker = WorkerProcess.start(config("5s"));

        assertThat(worker.awaitExit(Duration.ofSeconds(30))).isTrue();

        assertThat(worker.failure())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ValidationError: Currently, desiredSize equals minSize (1)");
        assertThat(aws.requests("TerminateInstanceInAutoScalingGroup")).hasSize(1);
    }

    @Test
    void terminateWhenIdle_whereNoMetadataServiceAnswers_isRefusedAtStart_namingTheSetting() {
        Map<String, String> s = new HashMap<>(Map.of(
                "data", tmp.toString(),
                "encoder", "null",
                "exit_when_idle", "5s",
                "ec2_terminate_when_idle", "true",
                "ec2_region", "eu-west-1",
                "ec2_metadata_endpoint", aws.url() + "/not-imds"));
        aws.close();

        assertThatThrownBy(() -> WorkerProcess.start(ConfigLoader.load(s, Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ec2_terminate_when_idle is true, but cannot read this instance's id from the"
                        + " instance metadata service at " + aws.url() + "/not-imds (ec2_metadata_endpoint");
        assertThat(tmp.resolve("nommer.db")).as("nothing was opened").doesNotExist();
    }

    @Test
    void terminateWhenIdle_withoutExitWhenIdle_isRefusedAtStart() {
        assertThatThrownBy(() -> WorkerProcess.start(config(null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ec2_terminate_when_idle needs exit_when_idle");
        assertThat(aws.requests()).isEmpty();
    }
}
