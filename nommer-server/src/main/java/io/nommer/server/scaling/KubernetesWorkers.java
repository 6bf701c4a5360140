package io.nommer.server.scaling;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.scaling.WorkerProvider;
import io.nommer.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} provider: one batch/v1 Job per worker, made from a Job template (the {@code
 * kubernetes_worker_template} file), in one namespace, through the API server with the credentials fabric8 finds
 * itself (the pod's service account in the cluster, else {@code KUBECONFIG} or {@code ~/.kube/config}).
 *
 * <p>Why Jobs and not a Deployment's replicas: a Deployment restarts a worker that exits when idle (its pods are
 * {@code restartPolicy: Always}), so the farm could never shrink by itself; and scaling a Deployment down deletes pods
 * its controller picks, possibly busy ones. A Job with {@code restartPolicy: Never} and {@code backoffLimit: 0} runs
 * its worker once: the worker exits when idle and stays gone, and the scaler deletes only idle workers it picks.
 *
 * <p>Each Job is named {@code nommer-worker-CLOUD-xxxxx}, and its worker reports itself by that name ({@code
 * NOMMER_WORKER_ID}), so that the Jobs alive are the worker ids the scaler counts. Deleting a Job (to stop an idle
 * worker) sends its pod SIGTERM: the worker finishes what it runs within the template's {@code
 * terminationGracePeriodSeconds}, which must exceed the worker's {@code shutdown_grace_seconds}.
 */
public final class KubernetesWorkers implements WorkerProvider {
    private static final Logger log = LoggerFactory.getLogger(KubernetesWorkers.class);

    public static final String TEMPLATE_SETTING = "kubernetes_worker_template";
    public static final String NAMESPACE_SETTING = "kubernetes_namespace";
    static final String APP_LABEL = "app.kubernetes.io/name";
    static final String APP = "nommer-worker";
    /** A label (truncated to a label's 63 characters) to list a cloud's Jobs by, and an annotation with its name. */
    static final String CLOUD_KEY = "nommer.io/cloud";
    /** How long a finished Job stays when the template does not say: long enough to read its pod's log. */
    static final int DEFAULT_TTL_SECONDS = 600;

    private static final int NAME_MAX = 63;
    private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final String namespace;
    private final Job template;
    private final InstantSource clock;
    private final ExitedWorkers exited = new ExitedWorkers();

    /**
     * @param client the API client; closed by {@link #close()}
     * @param namespace where the Jobs go; null for the client's configured namespace
     * @param template a YAML file holding one batch/v1 Job
     * @throws IllegalArgumentException naming {@code kubernetes_worker_template} and the file when it cannot be read or
     *     is not a Job with a container
     */
    public KubernetesWorkers(KubernetesClient client, String namespace, Path template, InstantSource clock) {
        this.client = client;
        this.namespace =
                namespace != null ? namespace : client.getNamespace() != null ? client.getNamespace() : "default";
        this.template = readTemplate(client.getKubernetesSerialization(), template);
        this.clock = clock;
    }

    /**
     * The provider {@code config} asks for: present when {@code kubernetes_worker_template} is set.
     *
     * @throws IllegalArgumentException naming the setting when the template is unusable, or a namespace is set
     *     without it
     */
    public static Optional<KubernetesWorkers> forServe(ServerConfig config) {
        String template = config.providerSettings().get(TEMPLATE_SETTING);
        String namespace = config.providerSettings().get(NAMESPACE_SETTING);
        if (template == null) {
            if (namespace != null) {
                throw new IllegalArgumentException(NAMESPACE_SETTING + " is set but " + TEMPLATE_SETTING
                        + " is not: the kubernetes provider needs the worker Job template");
            }
            return Optional.empty();
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        try {
            KubernetesWorkers workers =
                    new KubernetesWorkers(client, namespace, Path.of(template), InstantSource.system());
            log.info(
                    "kubernetes provider: worker Jobs from {} in namespace {} of {}",
                    template,
                    workers.namespace,
                    client.getMasterUrl());
            return Optional.of(workers);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static Job readTemplate(KubernetesSerialization serialization, Path file) {
        String where = TEMPLATE_SETTING + " " + file;
        Object parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = serialization.unmarshal(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    where + " is not valid YAML for a Kubernetes object: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Job job)) {
            throw new IllegalArgumentException(where + " must hold one batch/v1 Job, not "
                    + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
        }
        if (job.getSpec() == null
                || job.getSpec().getTemplate() == null
                || job.getSpec().getTemplate().getSpec() == null
                || job.getSpec().getTemplate().getSpec().getContainers() == null
                || job.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            throw new IllegalArgumentException(where + " has no containers (spec.template.spec.containers)");
        }
        return job;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Set<String> alive(String cloud) {
        Instant now = clock.instant();
        Set<String> alive = new TreeSet<>();
        for (Job job : jobsOf(cloud)) {
            String name = job.getMetadata().getName();
            if (finished(job)) {
                exited.exited(cloud, name, now);
            } else {
                alive.add(name);
            }
        }
        exited.expire(cloud, now);
        return alive;
    }

    @Override
    public Set<String> exited(String cloud) {
        return exited.of(cloud);
    }

    private List<Job> jobsOf(String cloud) {
        return client
                .batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withLabel(APP_LABEL, APP)
                .withLabel(CLOUD_KEY, labelValue(cloud))
                .list()
                .getItems()
                .stream()
                // why: the label is cut to 63 characters; two long cloud names may share it
                .filter(j -> j.getMetadata().getAnnotations() != null
                        && cloud.equals(j.getMetadata().getAnnotations().get(CLOUD_KEY)))
                .toList();
    }

    private static boolean finished(Job job) {
        List<JobCondition> conditions =
                job.getStatus() == null ? null : job.getStatus().getConditions();
        return conditions != null
                && conditions.stream()
                        .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                                && "True".equals(c.getStatus()));
    }

    @Override
    public void start(String cloud, ScalingPolicy policy, int count, boolean permanent) {
        for (int i = 0; i < count; i++) {
            Job job = jobFor(cloud, policy, permanent);
            String name = job.getMetadata().getName();
            try {
                client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
            } catch (KubernetesClientException e) {
                String why = e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage()
                        : e.getMessage();
                throw new IllegalStateException(
                        "cannot create worker Job " + name + " in namespace " + namespace + ": " + why, e);
            }
            log.info(
                    "started worker Job {} for cloud {} ({} slot(s), {})",
                    name,
                    cloud,
                    policy.slotsPerWorker(),
                    permanent
                            ? "kept running"
                            : "exits after " + policy.exitWhenIdle().toSeconds() + " s idle");
        }
    }

    /** The template, named and labelled for one worker of {@code cloud}, with the scaler's settings in its env. */
    Job jobFor(String cloud, ScalingPolicy policy, boolean permanent) {
        Job job = client.getKubernetesSerialization().clone(template);
        String name = jobName(cloud);
        ObjectMeta meta = job.getMetadata() == null ? new ObjectMeta() : job.getMetadata();
        job.setMetadata(meta);
        meta.setName(name);
        meta.setGenerateName(null);
        meta.setNamespace(namespace);
        label(meta, cloud);
        PodTemplateSpec pod = job.getSpec().getTemplate();
        if (pod.getMetadata() == null) {
            pod.setMetadata(new ObjectMeta());
        }
        label(pod.getMetadata(), cloud);
        PodSpec spec = pod.getSpec();
        if (spec.getRestartPolicy() == null) {
            spec.setRestartPolicy("Never");
        }
        if (job.getSpec().getBackoffLimit() == null) {
            job.getSpec().setBackoffLimit(0); // why: a retried pod would be a second worker under the same id
        }
        if (job.getSpec().getTtlSecondsAfterFinished() == null) {
            job.getSpec().setTtlSecondsAfterFinished(DEFAULT_TTL_SECONDS);
        }
        Map<String, String> env = new HashMap<>();
        env.put("NOMMER_WORKER_ID", name);
        env.put("NOMMER_CLOUDS", cloud);
        env.put("NOMMER_WORKERS", Integer.toString(policy.slotsPerWorker()));
        if (!permanent) {
            env.put("NOMMER_EXIT_WHEN_IDLE", policy.exitWhenIdle().toSeconds() + "s");
        }
        Container worker = spec.getContainers().stream()
                .filter(c -> "worker".equals(c.getName()))
                .findFirst()
                .orElse(spec.getContainers().get(0));
        List<EnvVar> vars = new ArrayList<>(worker.getEnv() == null ? List.of() : worker.getEnv());
        // why: the scaler's values win; a template's exit_when_idle would make a permanent worker exit
        vars.removeIf(v -> env.containsKey(v.getName()) || v.getName().equals("NOMMER_EXIT_WHEN_IDLE"));
        env.forEach((k, v) -> vars.add(new EnvVar(k, v, null)));
        worker.setEnv(vars);
        return job;
    }

    private static void label(ObjectMeta meta, String cloud) {
        Map<String, String> labels = new HashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.put(APP_LABEL, APP);
        labels.put(CLOUD_KEY, labelValue(cloud));
        meta.setLabels(labels);
        Map<String, String> annotations =
                new HashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        annotations.put(CLOUD_KEY, cloud);
        meta.setAnnotations(annotations);
    }

    /**
     * A DNS-1123 label of at most 63 characters: {@code nommer-worker-}, the cloud with {@code .} and {@code _} made
     * {@code -} (cut to fit), and 5 random characters.
     */
    static String jobName(String cloud) {
        String prefix = APP + "-";
        int room = NAME_MAX - prefix.length() - 6;
        String part = cloud.replaceAll("[^a-z0-9-]", "-");
        part = part.substring(0, Math.min(part.length(), room)).replaceAll("-+$", "");
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
        }
        return prefix + part + "-" + suffix;
    }

    /** A cloud name (up to 64 of {@code a-z0-9._-}) as a label value: at most 63, ending in a letter or digit. */
    static String labelValue(String cloud) {
        return cloud.substring(0, Math.min(cloud.length(), NAME_MAX)).replaceAll("[._-]+$", "");
    }

    @Override
    public boolean stop(String workerId) {
        Job job = client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(workerId)
                .get();
        if (job == null
                || job.getMetadata().getLabels() == null
                || !APP.equals(job.getMetadata().getLabels().get(APP_LABEL))) {
            return false;
        }
        // why: background propagation deletes the pod too; it gets SIGTERM and its worker finishes what it runs
        boolean deleted = !client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(workerId)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete()
                .isEmpty();
        if (deleted) {
            log.info("deleted worker Job {} (idle)", workerId);
        }
        return deleted;
    }

    @Override
    public void close() {
        client.close();
    }
}
