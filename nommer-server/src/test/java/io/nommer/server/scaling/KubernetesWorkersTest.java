package io.nommer.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nommer.core.fleet.ScalingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubernetes provider against fabric8's mock API server in CRUD mode (it stores what it is sent). */
class KubernetesWorkersTest {
    static final String NAMESPACE = "media";
    static final ScalingPolicy POLICY =
            new ScalingPolicy("kubernetes", 0, 10, 3, Duration.ofSeconds(30), Duration.ofSeconds(120));
    /** A minimal template: one container not named {@code worker}, with a value the provider must replace. */
    static final String TEMPLATE = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: ignored
              labels: { team: media }
            spec:
              template:
                spec:
                  terminationGracePeriodSeconds: 60
                  containers:
                    - name: encoder
                      image: nommer:test
                      env:
                        - { name: NOMMER_WORKERS, value: "1" }
                        - { name: NOMMER_STORE, value: "postgresql://db/nommer" }
                    - name: sidecar
                      image: busybox
            """;

    @TempDir
    Path dir;

    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesWorkers workers;

    static KubernetesMockServer crudServer() {
        KubernetesMockServer s = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        s.init();
        return s;
    }

    @BeforeEach
    void start() throws IOException {
        server = crudServer();
        client = server.createClient();
        workers = new KubernetesWorkers(client, NAMESPACE, template(TEMPLATE), InstantSource.system());
    }

    @AfterEach
    void stop() {
        workers.close();
        server.destroy();
    }

    Path template(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "job", ".yaml"), yaml);
    }

    List<Job> jobs() {
        return client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems();
    }

    static Map<String, String> env(Job job, int container) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(container).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /** Sets a Job's status as the Job controller would when its pod ended: through the status subresource. */
    static void finish(KubernetesClient client, String namespace, String name, String condition) {
        client.batch().v1().jobs().inNamespace(namespace).withName(name).editStatus(j -> {
            j.setStatus(new JobStatus());
            j.getStatus()
                    .setConditions(List.of(new JobConditionBuilder()
                            .withType(condition)
                            .withStatus("True")
                            .build()));
            return j;
        });
    }

    @Test
    void start_createsOneJobPerWorker_namedLabelledAndConfiguredForTheCloud() {
        workers.start("default", POLICY, 3, false);

        List<Job> jobs = jobs();
        assertThat(jobs).hasSize(3);
        assertThat(jobs.stream().map(j -> j.getMetadata().getName()).distinct()).hasSize(3);
        for (Job job : jobs) {
            String name = job.getMetadata().getName();
            assertThat(name).matches("nommer-worker-default-[a-z0-9]{5}");
            assertThat(job.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", "nommer-worker")
                    .containsEntry("nommer.io/cloud", "default")
                    .containsEntry("team", "media");
            assertThat(job.getMetadata().getAnnotations()).containsEntry("nommer.io/cloud", "default");
            assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("nommer.io/cloud", "default");
            assertThat(env(job, 0))
                    .containsEntry("NOMMER_WORKER_ID", name)
                    .containsEntry("NOMMER_CLOUDS", "default")
                    .containsEntry("NOMMER_WORKERS", "3")
                    .containsEntry("NOMMER_EXIT_WHEN_IDLE", "120s")
                    .containsEntry("NOMMER_STORE", "postgresql://db/nommer");
            assertThat(job.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(1)
                            .getEnv())
                    .isNullOrEmpty();
            assertThat(job.getSpec().getBackoffLimit()).isZero();
            assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(KubernetesWorkers.DEFAULT_TTL_SECONDS);
            assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        }
        assertThat(workers.alive("default"))
                .containsExactlyInAnyOrderElementsOf(
                        jobs.stream().map(j -> j.getMetadata().getName()).toList());
    }

    @Test
    void start_permanentWorker_getsNoIdleExit() throws IOException {
        // why: not closed first: closing a provider closes the client they share
        workers = new KubernetesWorkers(
                client,
                NAMESPACE,
                template(TEMPLATE.replace(
                        "- { name: NOMMER_WORKERS, value: \"1\" }",
                        "- { name: NOMMER_EXIT_WHEN_IDLE, value: \"5m\" }")),
                InstantSource.system());

        workers.start("default", POLICY, 1, true);

        assertThat(env(jobs().get(0), 0)).doesNotContainKey("NOMMER_EXIT_WHEN_IDLE");
    }

    @Test
    void start_theContainerNamedWorker_getsTheEnvironment() throws IOException {
        // why: not closed first: closing a provider closes the client they share
        workers = new KubernetesWorkers(
                client, NAMESPACE, template(TEMPLATE.replace("name: sidecar", "name: worker")), InstantSource.system());

        workers.start("default", POLICY, 1, false);

        assertThat(env(jobs().get(0), 1)).containsEntry("NOMMER_CLOUDS", "default");
        assertThat(env(jobs().get(0), 0)).doesNotContainKey("NOMMER_CLOUDS");
    }

    @Test
    void alive_listsOnlyTheCloudsOwnJobs_evenWhenLongNamesShareALabel() {
        String longA = "a".repeat(63) + "x";
        String longB = "a".repeat(63) + "y";
        workers.start("gpu_fast.eu", POLICY, 1, false);
        workers.start("default", POLICY, 2, false);
        workers.start(longA, POLICY, 1, false);
        workers.start(longB, POLICY, 1, false);

        assertThat(workers.alive("gpu_fast.eu")).singleElement().asString().startsWith("nommer-worker-gpu-fast-eu-");
        assertThat(workers.alive("default")).hasSize(2);
        assertThat(workers.alive(longA)).hasSize(1).doesNotContainAnyElementsOf(workers.alive(longB));
        assertThat(workers.alive("spot")).isEmpty();
        assertThat(jobs())
                .allSatisfy(j -> assertThat(j.getMetadata().getName())
                        .hasSizeLessThanOrEqualTo(63)
                        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    }

    @Test
    void aFinishedJob_leavesAlive_andShowsAsExited() {
        workers.start("default", POLICY, 3, false);
        List<String> names = List.copyOf(workers.alive("default"));

        finish(client, NAMESPACE, names.get(0), "Complete");
        finish(client, NAMESPACE, names.get(1), "Failed");

        assertThat(workers.alive("default")).containsExactly(names.get(2));
        assertThat(workers.exited("default")).containsExactlyInAnyOrder(names.get(0), names.get(1));
        assertThat(workers.exited("other")).isEmpty();
    }

    @Test
    void stop_deletesTheWorkersJob_andRefusesOthers() {
        workers.start("default", POLICY, 2, false);
        List<String> names = List.copyOf(workers.alive("default"));
        client.batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                        .withNewMetadata()
                        .withName("backup")
                        .endMetadata()
                        .withNewSpec()
                        .endSpec()
                        .build())
                .create();

        assertThat(workers.stop(names.get(0))).isTrue();
        assertThat(workers.stop("backup")).isFalse();
        assertThat(workers.stop("nommer-worker-default-gone1")).isFalse();

        assertThat(workers.alive("default")).containsExactly(names.get(1));
        assertThat(jobs()).extracting(j -> j.getMetadata().getName()).contains("backup");
    }

    @Test
    void withoutANamespace_theClientsNamespaceIsUsed() throws IOException {
        KubernetesWorkers inClientNamespace =
                new KubernetesWorkers(client, null, template(TEMPLATE), InstantSource.system());
        inClientNamespace.start("default", POLICY, 1, false);

        assertThat(client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(client.getNamespace())
                        .list()
                        .getItems())
                .hasSize(1);
        assertThat(jobs()).isEmpty();
    }

    @Test
    void aTemplateThatIsNotAJobWithAContainer_isRefused_namingTheSettingAndTheFile() throws IOException {
        for (String bad : List.of(
                "kind: Job\napiVersion: batch/v1\nspec: [unclosed",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n",
                "apiVersion: batch/v1\nkind: Job\nmetadata: { name: x }\nspec:\n  template:\n    spec:\n"
                        + "      containers: []\n")) {
            Path file = template(bad);
            assertThatThrownBy(() -> new KubernetesWorkers(client, NAMESPACE, file, InstantSource.system()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("kubernetes_worker_template")
                    .hasMessageContaining(file.toString());
        }
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> new KubernetesWorkers(client, NAMESPACE, missing, InstantSource.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kubernetes_worker_template " + missing);
    }

    @Test
    void aCreationTheServerRefuses_isAnIllegalStateWithItsMessage() throws IOException {
        KubernetesMockServer refusing = new KubernetesMockServer(false);
        refusing.init();
        try (KubernetesClient refused = refusing.createClient()) {
            refusing.expect()
                    .post()
                    .withPath("/apis/batch/v1/namespaces/" + NAMESPACE + "/jobs")
                    .andReturn(
                            403,
                            new StatusBuilder()
                                    .withStatus("Failure")
                                    .withReason("Forbidden")
                                    .withCode(403)
                                    .withMessage(
                                            "jobs.batch is forbidden: exceeded quota: workers, requested: count/jobs.batch=1")
                                    .build())
                    .always();
            KubernetesWorkers provider =
                    new KubernetesWorkers(refused, NAMESPACE, template(TEMPLATE), InstantSource.system());

            assertThatThrownBy(() -> provider.start("default", POLICY, 2, false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nommer-worker-default-")
                    .hasMessageContaining("exceeded quota: workers");
        } finally {
            refusing.destroy();
        }
    }

    @Test
    void jobNames_areDns1123Labels_andLabelValuesFit() {
        String longest = "a0_." + "b".repeat(60);
        assertThat(KubernetesWorkers.jobName(longest))
                .hasSizeLessThanOrEqualTo(63)
                .matches("nommer-worker-a0--b+-[a-z0-9]{5}");
        assertThat(KubernetesWorkers.labelValue("x".repeat(62) + "._")).isEqualTo("x".repeat(62));
        assertThat(KubernetesWorkers.labelValue(longest)).hasSize(63);
    }
}
