package io.nommer.cli;

import io.nommer.core.tenant.TenantLimit;
import io.nommer.ffmpeg.ProcessLimits;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.scaling.ec2.Ec2Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The server's settings ({@link ConfigLoader#SETTINGS}) as options of {@code serve} and {@code worker}: each one
 * {@code --name-with-dashes} (the underscore spelling is accepted too, unlisted) with its help. A setting a process
 * does not use is still accepted, as the configuration file and environment accept it, but left out of its help.
 */
final class ServiceSettings {
    /** Which process a setting matters to. */
    enum Use {
        SERVE,
        WORKER,
        BOTH
    }

    record Setting(String label, Use use, String help) {}

    /** Settings that are flags: given alone they mean true. */
    private static final Set<String> FLAGS = Set.of(
            "allow_private_networks",
            "s3_path_style",
            "auth_off_on_network",
            "delete_outputs_with_job",
            "ec2_terminate_when_idle");

    private static final Map<String, Setting> HELP = help();

    /** How the tenant_limits block's settings are named on the command line: {@code --tenant-limits-max-queued-jobs}. */
    private static final String TENANT_LIMITS = "tenant_limits_";

    private ServiceSettings() {}

    private static Map<String, Setting> help() {
        long gib = 1024L * 1024 * 1024;
        Map<String, Setting> m = new LinkedHashMap<>();
        Use serve = Use.SERVE;
        Use both = Use.BOTH;
        m.put("port", of("PORT", serve, "HTTP port; 0 picks a free one (default " + ServerConfig.DEFAULT_PORT + ")"));
        m.put(
                "bind",
                of(
                        "ADDRESS",
                        serve,
                        "Address to listen on (default " + ServerConfig.DEFAULT_BIND
                                + "; any other address requires API keys)"));
        m.put(
                "data",
                of(
                        "DIR",
                        both,
                        "SQLite database, uploads, outputs and work directories (default " + ServerConfig.DEFAULT_DATA
                                + ")"));
        m.put(
                "workers",
                of("N", serve, "In-process worker slots; 0 for the API only (default: one per two cores, at least 1)"));
        m.put("config", of("FILE", both, "A properties file of these settings"));
        m.put(
                "store",
                of(
                        "URL",
                        both,
                        "postgresql://USER[:PASSWORD]@HOST:PORT/DB or sqlite:PATH (default: SQLite"
                                + " in the data directory)"));
        m.put(
                "storage",
                of("URL", both, "s3://BUCKET/PREFIX for uploads and default outputs (default: the data directory)"));
        m.put("s3_endpoint", of("URL", both, "An S3-compatible server's URL (default: AWS)"));
        m.put("s3_region", of("REGION", both, "S3 region (default us-east-1)"));
        m.put("s3_path_style", of("true|false", both, "Path-style bucket addressing (most S3-compatible servers)"));
        m.put(
                "s3_access_key",
                of("KEY", both, "S3 access key, with --s3-secret-key (default: the AWS SDK's default chain)"));
        m.put("s3_secret_key", of("SECRET", both, "S3 secret key, with --s3-access-key"));
        m.put("clouds", of("A,B", both, "Clouds whose tasks this process's workers claim (default default)"));
        m.put(
                "stacks",
                of(
                        "A,B",
                        both,
                        "Named toolchains this process has, each set up by stacks.NAME.ffmpeg, .ffprobe and .version in"
                                + " the config file or environment (default: one stack from --ffmpeg, named after its"
                                + " version)"));
        m.put("default_stack", of("NAME", both, "The stack outputs without a stack run on (default: the first)"));
        m.put(
                "scaling",
                of(
                        "A,B",
                        serve,
                        "Clouds whose workers the scaler starts and stops, each set up by scaling.CLOUD.provider (local, kubernetes, ec2),"
                                + " .max_workers, and optionally .min_workers, .slots_per_worker,"
                                + " .scale_up_cooldown_seconds and .exit_when_idle_seconds in the config file or"
                                + " environment (default: none; PUT /v1/clouds/CLOUD sets them too)"));
        m.put(
                "exit_when_idle",
                of("DURATION", Use.WORKER, "Exit after this long without work: 90s, 10m, 2h (default: never)"));
        m.put(
                "worker_id",
                of(
                        "ID",
                        Use.WORKER,
                        "The id this worker reports itself by (default worker-HOST-PID; on EC2 with"
                                + " --ec2-terminate-when-idle, the instance's id; the kubernetes provider sets its Job's"
                                + " name)"));
        m.put(
                "ec2_terminate_when_idle",
                of(
                        "true|false",
                        Use.WORKER,
                        "On EC2, with --exit-when-idle: then terminate this instance through its Auto Scaling group,"
                                + " lowering the group's desired capacity (default false)"));
        m.put(
                "ec2_metadata_endpoint",
                of(
                        "URL",
                        Use.WORKER,
                        "The instance metadata service asked for this instance's id (default "
                                + Ec2Settings.DEFAULT_METADATA_ENDPOINT + ")"));
        m.put(
                "ec2_auto_scaling_group",
                of(
                        "NAME",
                        serve,
                        "The ec2 provider's Auto Scaling group of a cloud, {cloud} replaced by its name (default "
                                + Ec2Settings.DEFAULT_GROUP + ")"));
        m.put("ec2_region", of("REGION", both, "Auto Scaling's region (default: the AWS SDK's default chain)"));
        m.put(
                "ec2_endpoint",
                of("URL", both, "Auto Scaling's endpoint instead of AWS's regional one, such as a VPC endpoint"));
        m.put(
                "shutdown_grace_seconds",
                of(
                        "SECONDS",
                        both,
                        "On SIGTERM, how long running encodes may go on to finish (default "
                                + ServerConfig.DEFAULT_SHUTDOWN_GRACE.toSeconds() + ")"));
        m.put(
                "encoder",
                of(
                        "NAME",
                        both,
                        "The encoder workers run: ffmpeg (default), null (completes tasks at once without encoding, to"
                                + " measure the orchestration alone) or a plug-in's name"));
        m.put(
                "plugins",
                of(
                        "DIR",
                        both,
                        "Folder whose jars are loaded as encoder plug-ins (default: plugins in the data directory, if"
                                + " it exists)"));
        m.put("null_encoder_pause_ms", of("MS", both, "With --encoder null: how long each task takes (default 0)"));
        m.put(
                "sandbox",
                of(
                        "auto|bwrap|off",
                        both,
                        "Run ffmpeg and ffprobe in a bubblewrap sandbox: no network, the system read-only, only"
                                + " the task's files visible; auto uses it where bwrap works, bwrap refuses to start"
                                + " without it (default auto)"));
        m.put(
                "encode_cpu_seconds",
                of(
                        "SECONDS",
                        both,
                        "CPU time each ffmpeg or ffprobe process may use, all threads together; 0: no limit"
                                + " (default: encode_timeout_seconds times the cores)"));
        m.put(
                "encode_memory_bytes",
                of(
                        "BYTES",
                        both,
                        "Address space each ffmpeg or ffprobe process may map; 0: no limit (default "
                                + ProcessLimits.DEFAULT_MEMORY_BYTES / gib + " GiB)"));
        m.put("ffmpeg", of("PATH", both, "The ffmpeg binary (default: found on PATH)"));
        m.put("ffprobe", of("PATH", both, "The ffprobe binary (default: found on PATH)"));
        m.put("input_roots", of("DIR,DIR", both, "Directories file: inputs may name (default: none)"));
        m.put("output_roots", of("DIR,DIR", both, "Directories file: destinations may name (default: none)"));
        m.put(
                "allow_private_networks",
                of(
                        "true|false",
                        both,
                        "Let http(s) inputs and webhooks reach loopback,"
                                + " private, link-local, CGNAT and metadata addresses"));
        m.put(
                "max_upload_bytes",
                of("BYTES", serve, "Largest upload (default " + ServerConfig.DEFAULT_MAX_UPLOAD_BYTES / gib + " GiB)"));
        m.put(
                "max_input_bytes",
                of(
                        "BYTES",
                        both,
                        "Largest http(s) input (default " + ServerConfig.DEFAULT_MAX_INPUT_BYTES / gib + " GiB)"));
        m.put(
                "max_input_seconds",
                of(
                        "SECONDS",
                        both,
                        "Longest input a worker encodes (default " + ServerConfig.InputLimits.DEFAULT.maxSeconds()
                                + ", 12 hours)"));
        m.put(
                "max_input_pixels",
                of(
                        "PIXELS",
                        both,
                        "Most pixels per frame of an input, on the probe and on every decoded frame (default "
                                + ServerConfig.InputLimits.DEFAULT.maxPixels() + ", 7680x4320)"));
        m.put(
                "max_input_streams",
                of(
                        "N",
                        both,
                        "Most streams an input may have (default " + ServerConfig.InputLimits.DEFAULT.maxStreams()
                                + ")"));
        m.put(
                "min_input_bytes_per_second",
                of(
                        "BYTES",
                        both,
                        "Slowest http(s) input download, averaged over the window; 0 for any rate (default "
                                + ServerConfig.DEFAULT_MIN_INPUT_BYTES_PER_SECOND + ")"));
        m.put(
                "min_input_rate_window_seconds",
                of(
                        "SECONDS",
                        both,
                        "How long the download rate is averaged over (default "
                                + ServerConfig.DEFAULT_MIN_INPUT_RATE_WINDOW.toSeconds() + ")"));
        m.put(
                "lease_seconds",
                of(
                        "SECONDS",
                        both,
                        "Task lease; heartbeats renew it every second (default "
                                + ServerConfig.DEFAULT_LEASE.toSeconds() + ")"));
        m.put(
                "encode_timeout_seconds",
                of(
                        "SECONDS",
                        both,
                        "Longest one output may take (default " + ServerConfig.DEFAULT_ENCODE_TIMEOUT.toSeconds()
                                + ")"));
        m.put(
                "webhook_secret",
                of(
                        "SECRET",
                        serve,
                        "HMAC key for webhook signatures, at least 16 characters"
                                + " (default: generated into the data directory)"));
        m.put(
                "http_idle_timeout_seconds",
                of(
                        "SECONDS",
                        serve,
                        "Close a connection that sends nothing for this long (default "
                                + ServerConfig.Http.DEFAULT_IDLE_TIMEOUT.toSeconds() + ")"));
        m.put(
                "cors_origins",
                of(
                        "ORIGINS",
                        serve,
                        "Origins browsers may call the API from"
                                + " (https://app.example.com,...), or * (default: none)"));
        m.put("tls_keystore", of("FILE", serve, "A PKCS12 key store: serve HTTPS and HTTP/2"));
        m.put("tls_keystore_password", of("PASSWORD", serve, "The key store's password"));
        m.put(
                "public_url",
                of(
                        "URL",
                        serve,
                        "The URL clients reach the API at; every link and webhook names it"
                                + " (default: the address each request came in on)"));
        m.put(
                "auth",
                of(
                        "keys|off",
                        serve,
                        "keys: every request needs an API key (default: off on loopback, keys elsewhere)"));
        m.put(
                "auth_off_on_network",
                of(
                        "true|false",
                        serve,
                        "Allow --auth off on a non-loopback address (only when"
                                + " something in front of nommer authenticates)"));
        m.put(
                "signed_url_seconds",
                new Setting(
                        "SECONDS",
                        serve,
                        "How long a file's signed_url works at least (default "
                                + ServerConfig.Http.DEFAULT_SIGNED_URL_LIFETIME.toSeconds() + ")"));
        m.put(
                "metrics_token",
                of(
                        "TOKEN",
                        serve,
                        "A bearer token that may read /metrics when API keys are required (default: admin keys"
                                + " only)"));
        m.put(
                "media_nommer_compat",
                of(
                        "auto|on|off",
                        serve,
                        "Serve media-nommer's POST /job/submit (default auto: only where the API needs no key)"));
        m.put(
                "media_nommer_tenant",
                of("TENANT", serve, "The tenant whose jobs media-nommer's keyless submits make, with keys required"));
        m.put(
                "job_retention",
                new Setting(
                        "DURATION",
                        serve,
                        "How long finished jobs are kept (30d, 12h; 0 or off: forever; default 30d)"));
        m.put(
                "upload_retention",
                new Setting("DURATION", serve, "How long uploads no queued or running job uses are kept (default 7d)"));
        m.put(
                "delete_outputs_with_job",
                new Setting(
                        "true|false", serve, "Delete a job's output files with its record when retention deletes it"));
        m.put(
                "kubernetes_worker_template",
                of(
                        "FILE",
                        serve,
                        "A batch/v1 Job in YAML: the kubernetes scaling provider starts each worker as a Job made from"
                                + " it (default: no kubernetes provider)"));
        m.put(
                "kubernetes_namespace",
                of("NAME", serve, "The namespace of the worker Jobs (default: the Kubernetes client's own)"));
        return m;
    }

    private static Setting of(String label, Use use, String help) {
        return new Setting(label, use, help);
    }

    /** Settings that have no help here (a setting added to the server and not yet described). */
    static Set<String> undescribed() {
        Set<String> missing = new TreeSet<>(ConfigLoader.SETTINGS);
        missing.removeAll(HELP.keySet());
        return missing;
    }

    /**
     * Adds every setting to {@code spec} as an option; those {@code use} excludes are accepted but hidden. A worker
     * calls its {@code workers} setting {@code --slots} ({@code --workers} stays accepted, unlisted).
     */
    static void addTo(CommandSpec spec, Use use) {
        Set<String> all = new TreeSet<>(ConfigLoader.SETTINGS);
        all.addAll(ServerConfig.PROVIDER_SETTINGS);
        List<String> ordered = new java.util.ArrayList<>(HELP.keySet());
        ordered.retainAll(all);
        all.stream().filter(s -> !HELP.containsKey(s)).forEach(ordered::add);
        for (String setting : ordered) {
            Setting s = HELP.getOrDefault(setting, new Setting("VALUE", use, "See the README's Configuration table"));
            String dashed = "--" + setting.replace('_', '-');
            if (use == Use.WORKER && setting.equals("workers")) {
                s = new Setting(
                        "N", Use.WORKER, "Tasks this worker runs at once (default: one per two cores, at least 1)");
                dashed = "--slots";
            }
            boolean shown = s.use() == Use.BOTH || s.use() == use;
            String env = "NOMMER_" + setting.toUpperCase(Locale.ROOT);
            spec.addOption(option(dashed, setting, s, shown, s.help() + " [env: " + env + "]"));
            for (String alias : new TreeSet<>(List.of("--" + setting, "--" + setting.replace('_', '-')))) {
                if (!alias.equals(dashed)) {
                    spec.addOption(option(alias, setting, s, false, s.help()));
                }
            }
        }
        for (TenantLimit limit : TenantLimit.values()) {
            String setting = TENANT_LIMITS + limit.name().toLowerCase(Locale.ROOT);
            Setting s = new Setting(
                    "N|unlimited",
                    Use.BOTH,
                    "Every tenant's " + limit.name().toLowerCase(Locale.ROOT)
                            + " unless an admin sets its own (default unlimited)");
            String env = "NOMMER_" + setting.toUpperCase(Locale.ROOT);
            spec.addOption(
                    option("--" + setting.replace('_', '-'), setting, s, true, s.help() + " [env: " + env + "]"));
        }
    }

    private static OptionSpec option(String name, String setting, Setting s, boolean shown, String description) {
        OptionSpec.Builder b = OptionSpec.builder(name)
                .paramLabel(s.label())
                .description(description)
                .type(String.class)
                .hidden(!shown)
                .descriptionKey(setting);
        if (FLAGS.contains(setting)) {
            b.arity("0..1").fallbackValue("true");
        }
        return b.build();
    }

    /** The settings given on the command line, by setting name, to hand to {@link ConfigLoader#load}. */
    static Map<String, String> given(CommandSpec spec) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String key = o.descriptionKey();
            if (key != null
                    && (ConfigLoader.SETTINGS.contains(key)
                            || ServerConfig.PROVIDER_SETTINGS.contains(key)
                            || key.startsWith(TENANT_LIMITS))) {
                flags.put(key, o.getValue());
            }
        }
        return flags;
    }
}
