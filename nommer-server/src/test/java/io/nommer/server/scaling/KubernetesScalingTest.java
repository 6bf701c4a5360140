package io.nommer.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.ScalingStatus;
import io.nommer.core.scaling.Scaler;
import io.nommer.core.store.Store;
import io.nommer.store.StoreFixture;
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

/**
 * The real {@link Scaler} with a {@code kubernetes} policy, a SQLite store and the shipped worker template
 * ({@code deploy/kubernetes/worker-job.yaml}), against fabric8's mock API server in CRUD mode.
 */
class KubernetesScalingTest extends StoreFixture {
    static final String NAMESPACE = "media";

    @TempDir
    Path dir;

    KubernetesMockServer server;
    KubernetesClient client;
    Scaler scaler;

    @Override
    protected Store newStore(InstantSource clock) {
        return SqliteStores.open(dir.resolve("nommer.db"), clock);
    }

    @BeforeEach
    void startScaler() {
        server = KubernetesWorkersTest.crudServer();
        client = server.createClient();
        KubernetesWorkers workers = new KubernetesWorkers(client, NAMESPACE, KubernetesManifestsTest.WORKER_JOB, clock);
        scaler = new Scaler(fleet, Map.of("kubernetes", workers), "orchestrator-1", clock);
    }

    @AfterEach
    void stopScaler() {
        scaler.close();
        server.destroy();
    }

    List<Job> jobs() {
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .withLabel("nommer.io/cloud", "default")
                .list()
                .getItems();
    }

    ScalingStatus status() {
        return fleet.findCloud("default").orElseThrow().scalingStatus();
    }

    @Test
    void queuedTasks_startWorkerJobs_andAFinishedOneIsReplacedAfterTheCooldown() {
        fleet.scaleCloud(
                "default", new ScalingPolicy("kubernetes", 0, 10, 2, Duration.ofSeconds(30), Duration.ofSeconds(60)));
        aJob().withOutputs(5).create();

        scaler.tick();

        assertThat(jobs()).hasSize(3); // ceil(5 tasks / 2 slots)
        assertThat(jobs())
                .allSatisfy(j -> assertThat(j.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getEnv())
                        .anySatisfy(e -> {
                            assertThat(e.getName()).isEqualTo("NOMMER_WORKERS");
                            assertThat(e.getValue()).isEqualTo("2");
                        }));
        assertThat(status().started()).isEqualTo(3);
        assertThat(status().reason()).contains("starting 3");

        scaler.tick(); // the Jobs count as workers before their pods report
        assertThat(jobs()).hasSize(3);

        String done = jobs().get(0).getMetadata().getName();
        KubernetesWorkersTest.finish(client, NAMESPACE, done, "Failed");
        clock.tick(Duration.ofSeconds(31));
        scaler.tick();

        assertThat(jobs()).hasSize(4);
        assertThat(status().started()).isEqualTo(4);
        assertThat(status().current()).isEqualTo(2);
    }
}
