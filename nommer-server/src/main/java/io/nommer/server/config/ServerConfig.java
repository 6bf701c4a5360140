package io.nommer.server.config;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.retention.RetentionPolicy;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.ProcessLimits;
import io.nommer.ffmpeg.SandboxMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code nommer serve} needs, validated on construction with messages naming the setting. Built by
 * {@link ConfigLoader} from defaults, an optional file, {@code NOMMER_*} variables and flags, in that order.
 *
 * @param workers in-process worker slots; 0 runs the API only
 * @param stacks the named toolchains this process has and the default one ({@code stacks}, {@code default_stack})
 * @param inputRoots directories whose files {@code file:} inputs may name
 * @param outputRoots directories {@code file:} destinations may name
 * @param allowPrivateNetworks let http(s) inputs and webhooks reach loopback, private, link-local and similar addresses
 * @param minInputBytesPerSecond the slowest http(s) input download accepted, averaged over
 *     {@code minInputRateWindow}; 0 accepts any rate
 * @param shutdownGrace how long running encodes may go on when a worker is stopped (SIGTERM) before they are stopped
 *     and their tasks given back to the queue
 * @param webhookSecret HMAC key for webhook signatures; null generates one in the data directory
 * @param clouds the clouds this process's workers claim from
 * @param encoder the name of the encoder workers run: {@code ffmpeg} (the default), {@code null} to complete tasks at
 *     once without encoding (for measuring the orchestration alone), or a plug-in's; checked against the loaded
 *     encoders at start
 * @param nullEncoderPause how long the null encoder takes per task (zero: at once)
 * @param plugins the folder whose jars are loaded as encoder plug-ins; null: {@code plugins} in the data directory
 *     when it exists, else none (see {@link #pluginsFolder()})
 * @param tenantLimits every tenant's limits unless it sets its own ({@code tenant_limits.*}; none by default)
 * @param retention how long finished jobs and uploads are kept
 * @param processes how ffmpeg and ffprobe processes are confined: sandbox and resource limits
 * @param scaling the clouds whose workers the scaler manages, with their policies ({@code scaling},
 *     {@code scaling.<cloud>.*}), set in the store when the server starts; the API may change them later
 * @param inputLimits what the probe refuses in any input
 * @param workerId {@code worker_id}: the id a {@code nommer worker} reports itself by; null for
 *     {@code worker-HOST-PID} (on EC2 with {@code ec2_terminate_when_idle}, the instance's id). It names the worker
 *     as what started it knows it (the {@code kubernetes} provider sets its Job's name), so that a scaling provider
 *     can match the worker's reports to what it started.
 * @param providerSettings the settings of the scaling providers ({@link #PROVIDER_SETTINGS}), as given: each provider
 *     checks its own when it is made
 */
public record ServerConfig(
        String bind,
        int port,
        Path dataDir,
        int workers,
        String ffmpeg,
        String ffprobe,
        StackSettings stacks,
        List<Path> inputRoots,
        List<Path> outputRoots,
        boolean allowPrivateNetworks,
        long maxUploadBytes,
        long maxInputBytes,
        long minInputBytesPerSecond,
        Duration minInputRateWindow,
        Duration lease,
        Duration encodeTimeout,
        String webhookSecret,
        String store,
        String storage,
        S3Settings s3,
        Duration exitWhenIdle,
        Duration shutdownGrace,
        List<String> clouds,
        String encoder,
        Duration nullEncoderPause,
        Path plugins,
        Http http,
        TenantLimits tenantLimits,
        RetentionPolicy retention,
        Processes processes,
        Map<String, ScalingPolicy> scaling,
        InputLimits inputLimits,
        String workerId,
        Map<String, String> providerSettings) {

    /** Settings read by the {@code kubernetes} and {@code ec2} scaling providers, and by workers on EC2. */
    public static final java.util.Set<String> PROVIDER_SETTINGS = java.util.Set.of(
            "kubernetes_namespace",
            "kubernetes_worker_template",
            "ec2_region",
            "ec2_endpoint",
            "ec2_auto_scaling_group",
            "ec2_terminate_when_idle",
            "ec2_metadata_endpoint");

    /**
     * What a worker's probe refuses in any input, whoever's (tenants may have smaller limits of their own), as
     * {@code input_limits_exceeded}.
     *
     * @param maxSeconds setting {@code max_input_seconds}: the longest input
     * @param maxPixels setting {@code max_input_pixels}: the most pixels per frame, also held on every decoded frame
     * @param maxStreams setting {@code max_input_streams}: the most streams
     */
    public record InputLimits(long maxSeconds, long maxPixels, int maxStreams) {
        public static final InputLimits DEFAULT = new InputLimits(
                (long) WorkerConfig.DEFAULT_MAX_INPUT_SECONDS,
                WorkerConfig.DEFAULT_MAX_INPUT_PIXELS,
                WorkerConfig.DEFAULT_MAX_INPUT_STREAMS);

        public InputLimits {
            if (maxSeconds < 1) {
                throw new IllegalArgumentException("max_input_seconds must be at least 1, not " + maxSeconds);
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("max_input_pixels must be at least 1, not " + maxPixels);
            }
            if (maxStreams < 1) {
                throw new IllegalArgumentException("max_input_streams must be at least 1, not " + maxStreams);
            }
        }

        @Override
        public String toString() {
            return "max_input_seconds=" + maxSeconds + ", max_input_pixels=" + maxPixels + ", max_input_streams="
                    + maxStreams;
        }
    }

    /**
     * How every ffmpeg and ffprobe process runs.
     *
     * @param sandbox setting {@code sandbox}: {@code auto} (bubblewrap where it works), {@code bwrap} or {@code off}
     * @param limits settings {@code encode_cpu_seconds} and {@code encode_memory_bytes}
     */
    public record Processes(SandboxMode sandbox, ProcessLimits limits) {
        public Processes {
            sandbox = sandbox == null ? SandboxMode.AUTO : sandbox;
            limits = limits == null ? ProcessLimits.NONE : limits;
        }

        @Override
        public String toString() {
            return SandboxMode.SETTING + "=" + sandbox.wireName() + ", " + limits;
        }
    }

    /**
     * How the API is served beyond its address.
     *
     * @param idleTimeout a connection that sends nothing for this long (also while sending a request) is closed
     * @param corsOrigins origins browsers may call the API from ({@code *}: any); empty: none
     * @param tlsKeystore a PKCS12 key store with the server's certificate and key; null serves plain HTTP
     * @param publicUrl the URL clients reach the API at ({@code https://media.example.com}, or with a path prefix
     *     behind a proxy), which every link and webhook names; null: the server's own address
     * @param auth {@code keys} (every request needs an API key), {@code off}, or null: {@code off} when the API is
     *     bound to loopback, {@code keys} otherwise
     * @param authOffOnNetwork whether {@code auth off} may serve a non-loopback address (refused otherwise)
     * @param signedUrlLifetime how long the signed download URLs jobs show (with keys required) work at least
     * @param metricsToken a bearer token that reads {@code /metrics} (besides an admin key) when keys are required;
     *     null: admin keys only
     * @param mediaNommerCompat whether media-nommer's {@code POST /job/submit} is served: {@code on}, {@code off},
     *     or null ({@code auto}): served exactly when the API requires no key
     * @param mediaNommerTenant whose jobs media-nommer's keyless submits make when keys are required; required then
     */
    public record Http(
            Duration idleTimeout,
            List<String> corsOrigins,
            Path tlsKeystore,
            String tlsKeystorePassword,
            String publicUrl,
            String auth,
            boolean authOffOnNetwork,
            Duration signedUrlLifetime,
            String metricsToken,
            String mediaNommerCompat,
            String mediaNommerTenant) {
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
        public static final Duration DEFAULT_SIGNED_URL_LIFETIME = Duration.ofHours(24);

        public Http {
            if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("http_idle_timeout_seconds cannot be less than 1");
            }
            corsOrigins = List.copyOf(corsOrigins);
            for (String origin : corsOrigins) {
                if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                    throw new IllegalArgumentException("cors_origins: '" + origin + "' is not an origin such as "
                            + "https://app.example.com (scheme, host and port only) or *");
                }
            }
            if (publicUrl != null) {
                publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
                if (!publicUrl.matches("https?://[^/\\s?#@]+(/[^\\s?#]*)?")) {
                    throw new IllegalArgumentException("public_url: '" + publicUrl + "' is not a URL such as "
                            + "https://media.example.com or https://example.com/nommer (no query, fragment or user)");
                }
            }
            if (auth != null && !auth.equals("keys") && !auth.equals("off")) {
                throw new IllegalArgumentException("auth must be keys or off, not '" + auth + "'");
            }
            if ("auto".equals(mediaNommerCompat)) {
                mediaNommerCompat = null;
            }
            if (mediaNommerCompat != null && !mediaNommerCompat.equals("on") && !mediaNommerCompat.equals("off")) {
                throw new IllegalArgumentException(
                        "media_nommer_compat must be auto, on or off, not '" + mediaNommerCompat + "'");
            }
            if (mediaNommerTenant != null && !mediaNommerTenant.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                throw new IllegalArgumentException("media_nommer_tenant: '" + mediaNommerTenant
                        + "' is not a tenant name (1-64 of a-z, 0-9, '_', '-')");
            }
            if (signedUrlLifetime.compareTo(Duration.ofMinutes(1)) < 0
                    || signedUrlLifetime.compareTo(Duration.ofDays(366)) > 0) {
                throw new IllegalArgumentException(
                        "signed_url_seconds must be between 60 and 31622400, not " + signedUrlLifetime.toSeconds());
            }
            if (metricsToken != null && (metricsToken.length() < 16 || !metricsToken.matches("[\\x21-\\x7e]+"))) {
                // why: Prometheus sends it as a bearer token; a short one could be guessed
                throw new IllegalArgumentException(
                        "metrics_token must be at least 16 printable characters without spaces");
            }
            if ((tlsKeystore == null) != (tlsKeystorePassword == null)) {
                throw new IllegalArgumentException("tls_keystore and tls_keystore_password must be set together");
            }
            if (tlsKeystore != null && !java.nio.file.Files.isReadable(tlsKeystore)) {
                throw new IllegalArgumentException("tls_keystore " + tlsKeystore + " cannot be read");
            }
        }

        @Override
        public String toString() {
            return "http_idle_timeout_seconds=" + idleTimeout.toSeconds() + ", cors_origins=" + corsOrigins
                    + ", tls_keystore=" + (tlsKeystore == null ? "none (plain HTTP)" : tlsKeystore)
                    + ", tls_keystore_password=" + (tlsKeystorePassword == null ? "none" : "<masked>")
                    + ", public_url=" + (publicUrl == null ? "none (the server's own address)" : publicUrl)
                    + ", auth=" + (auth == null ? "default" : auth) + ", signed_url_seconds="
                    + signedUrlLifetime.toSeconds() + ", metrics_token="
                    + (metricsToken == null ? "none (admin keys only)" : "<masked>")
                    + ", media_nommer_compat="
                    + (mediaNommerCompat == null ? "auto" : mediaNommerCompat) + ", media_nommer_tenant="
                    + (mediaNommerTenant == null ? "none" : mediaNommerTenant);
        }
    }

    /**
     * How to reach S3-compatible storage; used when {@code storage} or an input/destination is {@code s3://}.
     *
     * @param endpoint an S3-compatible server's URL, or null for AWS
     * @param accessKey null (with {@code secretKey}) for the SDK's default credentials chain
     */
    public record S3Settings(String endpoint, String region, boolean pathStyle, String accessKey, String secretKey) {
        public S3Settings {
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("s3_access_key and s3_secret_key must be set together");
            }
        }

        @Override
        public String toString() {
            return "s3_endpoint=" + endpoint + ", s3_region=" + region + ", s3_path_style=" + pathStyle
                    + ", s3_access_key=" + (accessKey == null ? "<default chain>" : "<masked>")
                    + ", s3_secret_key=" + (secretKey == null ? "<default chain>" : "<masked>");
        }
    }

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Path DEFAULT_DATA = Path.of("nommer-data");
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024 * 1024;
    public static final long DEFAULT_MAX_INPUT_BYTES = 10L * 1024 * 1024 * 1024;
    /** 16 KiB/s (128 kbit/s): far below any real origin, far above a deliberate trickle. */
    public static final long DEFAULT_MIN_INPUT_BYTES_PER_SECOND = 16 * 1024;

    public static final Duration DEFAULT_MIN_INPUT_RATE_WINDOW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ENCODE_TIMEOUT = Duration.ofHours(6);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
    public static final String DEFAULT_ENCODER = "ffmpeg";
    /** The folder in the data directory whose jars are loaded as plug-ins when {@code plugins} is not set. */
    public static final String DEFAULT_PLUGINS = "plugins";

    /** Whether requests need an API key: {@code auth keys}, or by default whenever the API is not on loopback. */
    public boolean authRequired() {
        return authRequired(bind, http);
    }

    private static boolean authRequired(String bind, Http http) {
        return http.auth() == null ? !loopback(bind) : http.auth().equals("keys");
    }

    /**
     * Whether media-nommer's {@code POST /job/submit} is served: by default only where the API needs no key (its
     * client sends none), else as {@code media_nommer_compat} says.
     */
    public boolean mediaNommerCompat() {
        return http.mediaNommerCompat() == null
                ? !authRequired()
                : http.mediaNommerCompat().equals("on");
    }

    /** Whether {@code bind} names only this machine (a loopback address or a name for one). */
    static boolean loopback(String bind) {
        try {
            return java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** One worker slot per two cores, at least one: ffmpeg is multi-threaded, so more slots than that just contend. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public ServerConfig {
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("bind must not be blank");
        }
        if ("off".equals(http.auth()) && !loopback(bind) && !http.authOffOnNetwork()) {
            throw new IllegalArgumentException("auth off on " + bind + " would let anyone who reaches the address "
                    + "read and cancel every job: use auth keys (see nommer keys --help), bind to 127.0.0.1, or set "
                    + "auth_off_on_network true if something in front of nommer authenticates");
        }
        if ("on".equals(http.mediaNommerCompat()) && authRequired(bind, http) && http.mediaNommerTenant() == null) {
            throw new IllegalArgumentException("media_nommer_compat on with API keys required needs "
                    + "media_nommer_tenant: the tenant whose jobs media-nommer's keyless clients submit");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("data must be a directory path");
        }
        if (workers < 0 || workers > 256) {
            throw new IllegalArgumentException("workers must be between 0 and 256, not " + workers);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("max_upload_bytes must be positive, not " + maxUploadBytes);
        }
        if (maxInputBytes < 1) {
            throw new IllegalArgumentException("max_input_bytes must be positive, not " + maxInputBytes);
        }
        if (minInputBytesPerSecond < 0) {
            throw new IllegalArgumentException(
                    "min_input_bytes_per_second cannot be negative, not " + minInputBytesPerSecond);
        }
        if (minInputRateWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("min_input_rate_window_seconds cannot be less than 1");
        }
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("lease_seconds cannot be less than 2, not " + lease.toSeconds());
        }
        if (encodeTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("encode_timeout_seconds cannot be less than 1");
        }
        if (shutdownGrace.isNegative() || shutdownGrace.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(
                    "shutdown_grace_seconds must be between 0 and 86400, not " + shutdownGrace.toSeconds());
        }
        if (webhookSecret != null && webhookSecret.length() < 16) {
            throw new IllegalArgumentException("webhook_secret must be at least 16 characters");
        }
        if (store != null
                && !store.startsWith("postgresql://")
                && !store.startsWith("postgres://")
                && !store.startsWith("jdbc:postgresql:")
                && !store.startsWith("sqlite:")) {
            throw new IllegalArgumentException(
                    "store must be postgresql://USER@HOST:PORT/DB or sqlite:PATH, not '" + maskUrl(store) + "'");
        }
        if (storage != null && !storage.startsWith("s3://") && !storage.equals("local")) {
            throw new IllegalArgumentException("storage must be s3://BUCKET/PREFIX or local, not '" + storage + "'");
        }
        clouds = clouds == null || clouds.isEmpty() ? List.of(Cloud.DEFAULT) : List.copyOf(clouds);
        for (String c : clouds) {
            if (!Cloud.validName(c)) {
                throw new IllegalArgumentException("clouds: '" + c + "' is not a valid cloud name (1-64 of a-z, 0-9, "
                        + "'.', '_', '-', starting with a letter or digit)");
            }
        }
        encoder = encoder == null ? DEFAULT_ENCODER : encoder.strip();
        // why: only the name's shape here; whether such an encoder is loaded is known once the plug-ins are
        if (!encoder.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("encoder must name an encoder (ffmpeg, null or a plug-in's, 1-64 of "
                    + "a-z, 0-9, '.', '_', '-'), not '" + encoder + "'");
        }
        if (nullEncoderPause.isNegative() || nullEncoderPause.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("null_encoder_pause_ms must be between 0 and 60000");
        }
        stacks = stacks == null ? StackSettings.NONE : stacks;
        if (!stacks.stacks().isEmpty() && (ffmpeg != null || ffprobe != null)) {
            throw new IllegalArgumentException("ffmpeg and ffprobe name the binaries of the one stack made without "
                    + "the stacks setting; with stacks, set stacks.NAME.ffmpeg and stacks.NAME.ffprobe instead");
        }
        inputRoots = List.copyOf(inputRoots);
        outputRoots = List.copyOf(outputRoots);
        tenantLimits = tenantLimits == null ? TenantLimits.NONE : tenantLimits;
        retention = retention == null ? RetentionPolicy.DEFAULT : retention;
        processes = processes == null
                ? new Processes(
                        SandboxMode.AUTO,
                        new ProcessLimits(
                                ProcessLimits.defaultCpuSeconds(
                                        encodeTimeout, Runtime.getRuntime().availableProcessors()),
                                ProcessLimits.DEFAULT_MEMORY_BYTES))
                : processes;
        inputLimits = inputLimits == null ? InputLimits.DEFAULT : inputLimits;
        if (workerId != null && !workerId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}")) {
            throw new IllegalArgumentException("worker_id must be 1-200 of A-Z, a-z, 0-9, '.', '_', '-', starting with "
                    + "a letter or digit, not '" + workerId + "'");
        }
        providerSettings = providerSettings == null ? Map.of() : Map.copyOf(providerSettings);
        for (String k : providerSettings.keySet()) {
            if (!PROVIDER_SETTINGS.contains(k)) {
                throw new IllegalArgumentException(
                        "unknown provider setting " + k + "; known: " + new java.util.TreeSet<>(PROVIDER_SETTINGS));
            }
        }
    }

    /**
     * The folder whose jars are loaded as encoder plug-ins: {@code plugins} when set (it must exist), else
     * {@code plugins} in the data directory when that exists; null for none.
     */
    public Path pluginsFolder() {
        if (plugins != null) {
            return plugins.toAbsolutePath();
        }
        Path inData = dataDir.toAbsolutePath().resolve(DEFAULT_PLUGINS);
        return java.nio.file.Files.isDirectory(inData) ? inData : null;
    }

    /** A URL with any password replaced, for logs and messages. */
    public static String maskUrl(String url) {
        return url.replaceAll("(://[^:/@]+):[^@/]*@", "$1:<masked>@").replaceAll("(?i)(password=)[^&]*", "$1<masked>");
    }

    /** A binary setting as the log shows it: as set, else the one on {@code PATH} that will be used. */
    private String binary(String configured, String name) {
        if (configured != null) {
            return configured;
        }
        if (!stacks.stacks().isEmpty()) {
            return "per stack";
        }
        return io.nommer.ffmpeg.FfmpegBinaries.onPath(name)
                .map(p -> p + " (from PATH)")
                .orElse("none on PATH");
    }

    /** For the start-up log: every setting, the secret masked. */
    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", port=" + port + ", data=" + dataDir.toAbsolutePath() + ", workers="
                + workers + ", ffmpeg=" + binary(ffmpeg, "ffmpeg") + ", ffprobe=" + binary(ffprobe, "ffprobe") + ", "
                + stacks + ", input_roots="
                + inputRoots
                + ", output_roots=" + outputRoots + ", allow_private_networks=" + allowPrivateNetworks
                + ", max_upload_bytes=" + maxUploadBytes + ", max_input_bytes=" + maxInputBytes
                + ", min_input_bytes_per_second=" + minInputBytesPerSecond + ", min_input_rate_window_seconds="
                + minInputRateWindow.toSeconds() + ", lease_seconds=" + lease.toSeconds() + ", encode_timeout_seconds="
                + encodeTimeout.toSeconds() + ", webhook_secret="
                + (webhookSecret == null ? "<generated>" : "<masked>") + ", store="
                + (store == null ? "sqlite (in the data directory)" : maskUrl(store)) + ", storage="
                + (storage == null ? "local" : storage) + ", " + s3 + ", exit_when_idle="
                + (exitWhenIdle == null ? "never" : exitWhenIdle) + ", shutdown_grace_seconds="
                + shutdownGrace.toSeconds() + ", clouds=" + String.join(",", clouds)
                + ", encoder=" + encoder
                + (nullEncoderPause.isZero() ? "" : ", null_encoder_pause_ms=" + nullEncoderPause.toMillis())
                + ", plugins=" + (plugins == null ? "default (plugins in the data directory, if any)" : plugins)
                + ", " + http + ", tenant_limits=" + tenantLimits + ", " + retention + ", " + processes + ", "
                + "scaling=" + (scaling.isEmpty() ? "none (set through the API)" : scaling.keySet()) + ", "
                + inputLimits + (workerId == null ? "" : ", worker_id=" + workerId)
                + (providerSettings.isEmpty() ? "" : ", provider settings=" + new java.util.TreeMap<>(providerSettings))
                + "]";
    }
}
