package io.nommer.server.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code deploy/kubernetes}: each parses to the kinds it should hold (fabric8's serialization;
 * KEDA's as generic resources), the shipped worker template is one {@link KubernetesWorkers} accepts, and the
 * orchestrator's settings are a configuration nommer starts with.
 */
class KubernetesManifestsTest {
    /** Tests run in the module's folder. */
    static final Path DIR = Path.of("..", "deploy", "kubernetes");

    static final Path WORKER_JOB = DIR.resolve("worker-job.yaml");

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    static List<HasMetadata> load(String file) throws IOException {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            Object parsed = YAML.unmarshal(in);
            if (parsed instanceof List<?> many) {
                return many.stream().map(HasMetadata.class::cast).toList();
            }
            return List.of((HasMetadata) parsed);
        }
    }

    static <T extends HasMetadata> T only(String file, Class<T> type) throws IOException {
        return load(file).stream()
                .filter(type::isInstance)
                .map(type::cast)
                .reduce((a, b) -> {
                    throw new AssertionError(file + " holds more than one " + type.getSimpleName());
                })
                .orElseThrow(() -> new AssertionError(file + " holds no " + type.getSimpleName()));
    }

    static Container container(HasMetadata workload) {
        return switch (workload) {
            case Job j -> j.getSpec().getTemplate().getSpec().getContainers().get(0);
            case Deployment d ->
                d.getSpec().getTemplate().getSpec().getContainers().get(0);
            default -> throw new AssertionError("no pod template in " + workload.getKind());
        };
    }

    static Map<String, String> literalEnv(Container c) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar v : c.getEnv()) {
            if (v.getValue() != null) {
                env.put(v.getName(), v.getValue());
            }
        }
        return env;
    }

    @Test
    void everyManifest_parsesToTheKindsItShouldHold() throws IOException {
        Map<String, List<String>> kinds = new TreeMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                kinds.put(
                        f.getFileName().toString(),
                        load(f.getFileName().toString()).stream()
                                .map(r -> (r instanceof GenericKubernetesResource ? "generic " : "") + r.getApiVersion()
                                        + " " + r.getKind())
                                .toList());
            }
        }

        assertThat(kinds)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "secret.yaml", List.of("v1 Secret"),
                        "rbac.yaml",
                                List.of(
                                        "v1 ServiceAccount",
                                        "rbac.authorization.k8s.io/v1 Role",
                                        "rbac.authorization.k8s.io/v1 RoleBinding"),
                        "worker-job.yaml", List.of("batch/v1 Job"),
                        "orchestrator.yaml", List.of("v1 ConfigMap", "apps/v1 Deployment", "v1 Service"),
                        "worker-deployment.yaml", List.of("apps/v1 Deployment"),
                        "keda-scaledobject.yaml",
                                List.of(
                                        "generic keda.sh/v1alpha1 ScaledObject",
                                        "generic keda.sh/v1alpha1 TriggerAuthentication")));
    }

    @Test
    void theWorkerTemplate_isAcceptedByTheProvider_andOutlastsTheWorkersShutdownGrace() throws IOException {
        var server = KubernetesWorkersTest.crudServer();
        try (var client = server.createClient()) {
            KubernetesWorkers workers = new KubernetesWorkers(client, "media", WORKER_JOB, InstantSource.system());
            Job job = workers.jobFor("default", KubernetesWorkersTest.POLICY, false);

            assertThat(job.getSpec().getBackoffLimit()).isZero();
            assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
            long grace = Long.parseLong(literalEnv(container(job)).get("NOMMER_SHUTDOWN_GRACE_SECONDS"));
            assertThat(job.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                    .isEqualTo(60)
                    .isGreaterThan(grace);
        } finally {
            server.destroy();
        }
    }

    @Test
    void theOrchestratorsConfigMap_holdsTheWorkerTemplateVerbatim() throws IOException {
        ConfigMap map = only("orchestrator.yaml", ConfigMap.class);

        assertThat(map.getData().get("worker-job.yaml")).isEqualTo(Files.readString(WORKER_JOB));
    }

    @Test
    void theOrchestratorsSettings_scaleCloudDefaultWithTheKubernetesProvider() throws IOException {
        Deployment orchestrator = only("orchestrator.yaml", Deployment.class);
        Map<String, String> env =
                new HashMap<>(only("secret.yaml", Secret.class).getStringData());
        env.putAll(literalEnv(container(orchestrator)));
        env.put("NOMMER_KUBERNETES_NAMESPACE", "media"); // from the pod's namespace (the downward API)
        env.keySet().removeIf(k -> !k.startsWith("NOMMER_"));

        ServerConfig config = ConfigLoader.load(Map.of(), env);

        ScalingPolicy policy = config.scaling().get("default");
        assertThat(policy.provider()).isEqualTo("kubernetes");
        assertThat(config.providerSettings())
                .containsEntry(KubernetesWorkers.TEMPLATE_SETTING, "/etc/nommer/worker-job.yaml")
                .containsEntry(KubernetesWorkers.NAMESPACE_SETTING, "media");
        assertThat(container(orchestrator).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/nommer"));
        assertThat(container(orchestrator).getArgs()).containsSequence("--workers", "0");
        assertThat(orchestrator.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(only("rbac.yaml", io.fabric8.kubernetes.api.model.ServiceAccount.class)
                        .getMetadata()
                        .getName());
    }

    @Test
    void theRole_grantsOnlyWhatTheProviderDoesWithJobs() throws IOException {
        List<PolicyRule> rules = only("rbac.yaml", Role.class).getRules();

        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.getApiGroups()).containsExactly("batch");
            assertThat(r.getResources()).containsExactly("jobs");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("create", "list", "get", "delete");
        });
    }

    @Test
    void theKedaWorkers_keepRunningWhenIdle_andOutlastTheirShutdownGrace() throws IOException {
        Deployment workers = only("worker-deployment.yaml", Deployment.class);
        Map<String, String> env = literalEnv(container(workers));

        assertThat(env).doesNotContainKey("NOMMER_EXIT_WHEN_IDLE").containsEntry("NOMMER_CLOUDS", "default");
        assertThat(workers.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(Long.parseLong(env.get("NOMMER_SHUTDOWN_GRACE_SECONDS")));
        assertThat(KedaQueryTest.trigger().get("targetQueryValue")).isEqualTo(env.get("NOMMER_WORKERS"));
    }
}
